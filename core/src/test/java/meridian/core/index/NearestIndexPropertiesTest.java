package meridian.core.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

class NearestIndexPropertiesTest {

    record LatLon(double lat, double lon) {}

    @Provide
    Arbitrary<List<LatLon>> places() {
        Arbitrary<Double> lat = Arbitraries.oneOf(
                Arbitraries.doubles().between(-90, 90), Arbitraries.of(-90.0, 90.0, 0.0, 89.999, -89.999));
        Arbitrary<Double> lon = Arbitraries.oneOf(
                Arbitraries.doubles().between(-180, 180), Arbitraries.of(-180.0, 180.0, 0.0, 179.999, -179.999));
        return Combinators.combine(lat, lon).as(LatLon::new).list().ofMinSize(1).ofMaxSize(300);
    }

    /** A query point anywhere. */
    @Provide
    Arbitrary<LatLon> query() {
        return Combinators.combine(
                        Arbitraries.doubles().between(-90, 90),
                        Arbitraries.doubles().between(-180, 180))
                .as(LatLon::new);
    }

    @Property(tries = 300)
    void kNearestAreTheKSmallestDistancesInOrder(
            @ForAll("places") List<LatLon> places,
            @ForAll("query") LatLon q,
            @ForAll @IntRange(min = 1, max = 40) int k) {
        int n = agreesWithBruteForce(places, q, k, Double.POSITIVE_INFINITY);
        assertThat(n).isEqualTo(Math.min(k, places.size()));
    }

    @Property(tries = 300)
    void radiusReturnsExactlyThePlacesWithinIt(
            @ForAll("places") List<LatLon> places,
            @ForAll("query") LatLon q,
            @ForAll @DoubleRange(min = 0, max = 21000) double maxKm) {
        agreesWithBruteForce(places, q, places.size(), maxKm);
    }

    /**
     * The index's {@code k} nearest within {@code maxKm} have brute force's count and distances, each within
     * {@code maxKm}; returns the count.
     */
    private static int agreesWithBruteForce(List<LatLon> places, LatLon q, int k, double maxKm) {
        double qLat = q.lat();
        double qLon = q.lon();
        double[] lat = places.stream().mapToDouble(LatLon::lat).toArray();
        double[] lon = places.stream().mapToDouble(LatLon::lon).toArray();
        double[] expected = new BruteForce(lat, lon).kNearestKm(qLat, qLon, k, maxKm);
        Neighbors out = new Neighbors();
        int n = NearestIndex.build(lat, lon).searcher().nearest(qLat, qLon, k, maxKm, out);
        assertThat(n).isEqualTo(expected.length);
        for (int i = 0; i < n; i++) {
            assertThat(out.distanceKm(i)).isLessThanOrEqualTo(maxKm).isCloseTo(expected[i], within(1e-9));
        }
        return n;
    }
}
