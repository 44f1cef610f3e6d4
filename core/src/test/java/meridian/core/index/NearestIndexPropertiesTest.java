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

    @Property(tries = 300)
    void kNearestAreTheKSmallestDistancesInOrder(
            @ForAll("places") List<LatLon> places,
            @ForAll @DoubleRange(min = -90, max = 90) double qLat,
            @ForAll @DoubleRange(min = -180, max = 180) double qLon,
            @ForAll @IntRange(min = 1, max = 40) int k) {
        double[] lat = places.stream().mapToDouble(LatLon::lat).toArray();
        double[] lon = places.stream().mapToDouble(LatLon::lon).toArray();
        double[] expected = new BruteForce(lat, lon).kNearestKm(qLat, qLon, k, Double.POSITIVE_INFINITY);
        Neighbors out = new Neighbors();
        int n = NearestIndex.build(lat, lon).searcher().nearest(qLat, qLon, k, Double.POSITIVE_INFINITY, out);
        assertThat(n).isEqualTo(Math.min(k, places.size()));
        for (int i = 0; i < n; i++) {
            assertThat(out.distanceKm(i)).isCloseTo(expected[i], within(1e-9));
        }
    }

    @Property(tries = 300)
    void radiusReturnsExactlyThePlacesWithinIt(
            @ForAll("places") List<LatLon> places,
            @ForAll @DoubleRange(min = -90, max = 90) double qLat,
            @ForAll @DoubleRange(min = -180, max = 180) double qLon,
            @ForAll @DoubleRange(min = 0, max = 21000) double maxKm) {
        double[] lat = places.stream().mapToDouble(LatLon::lat).toArray();
        double[] lon = places.stream().mapToDouble(LatLon::lon).toArray();
        BruteForce brute = new BruteForce(lat, lon);
        double[] expected = brute.kNearestKm(qLat, qLon, places.size(), maxKm);
        Neighbors out = new Neighbors();
        int n = NearestIndex.build(lat, lon).searcher().nearest(qLat, qLon, places.size(), maxKm, out);
        assertThat(n).isEqualTo(expected.length);
        for (int i = 0; i < n; i++) {
            assertThat(out.distanceKm(i)).isLessThanOrEqualTo(maxKm).isCloseTo(expected[i], within(1e-9));
        }
    }
}
