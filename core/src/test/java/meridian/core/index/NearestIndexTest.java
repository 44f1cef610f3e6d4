package meridian.core.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import meridian.core.error.InvalidInputException;
import meridian.core.geo.Earth;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
class NearestIndexTest {
    private static final double EPS_KM = 1e-9;
    private static final long SEED = Seeds.seed();

    /** Uniform on the sphere (not uniform in lat/lon, which would crowd the poles). */
    static double[] randomPoint(Random r) {
        double z = 2 * r.nextDouble() - 1;
        return new double[] {Math.toDegrees(Math.asin(z)), 360 * r.nextDouble() - 180};
    }

    /** A mix that stresses the index: uniform points, tight clusters, poles, the antimeridian, duplicates. */
    static double[][] stressSet(Random r, int n) {
        double[] lat = new double[n];
        double[] lon = new double[n];
        for (int i = 0; i < n; i++) {
            double[] p;
            switch (i % 6) {
                case 0, 1 -> p = randomPoint(r);
                case 2 -> p = new double[] {48 + r.nextGaussian() * 0.01, 2 + r.nextGaussian() * 0.01};
                case 3 ->
                    p = new double[] {(r.nextBoolean() ? 1 : -1) * (89 + r.nextDouble()), 360 * r.nextDouble() - 180};
                case 4 ->
                    p = new double[] {60 * r.nextDouble() - 30, (r.nextBoolean() ? 1 : -1) * (179 + r.nextDouble())};
                default -> p = i >= 6 ? new double[] {lat[i - 6], lon[i - 6]} : randomPoint(r);
            }
            lat[i] = p[0];
            lon[i] = p[1];
        }
        double[][] fixed = {{90, 0}, {-90, 123}, {10, 180}, {-10, -180}};
        for (int i = 0; i < Math.min(n, fixed.length); i++) {
            lat[i] = fixed[i][0];
            lon[i] = fixed[i][1];
        }
        return new double[][] {lat, lon};
    }

    static double[] randomQuery(Random r, double[][] set) {
        return switch (r.nextInt(8)) {
            case 0 -> new double[] {r.nextBoolean() ? 90 : -90, 360 * r.nextDouble() - 180};
            case 1 -> new double[] {180 * r.nextDouble() - 90, r.nextBoolean() ? 180 : -180};
            case 2 -> {
                int i = r.nextInt(set[0].length);
                yield new double[] {set[0][i], set[1][i]};
            }
            case 3 -> new double[] {48 + r.nextGaussian() * 0.02, 2 + r.nextGaussian() * 0.02};
            default -> randomPoint(r);
        };
    }

    static void assertNearestMatchesBruteForce(NearestIndex index, BruteForce brute, double lat, double lon) {
        Searcher s = index.searcher();
        int found = s.nearest(lat, lon);
        double reported = s.distanceKm(found);
        double expected = brute.nearestKm(lat, lon);
        assertThat(reported)
                .as(
                        "nearest to (%s, %s): index says #%d at %s km, brute force %s km",
                        lat, lon, found, reported, expected)
                .isCloseTo(expected, within(EPS_KM));
        assertThat(reported).isCloseTo(Earth.haversineKm(lat, lon, index.lat(found), index.lon(found)), within(0.0));
    }

    @Test
    void nearestEqualsBruteForceOnHundredThousandQueries() {
        Random r = new Random(SEED);
        int queries = 0;
        for (int n : new int[] {1, 2, 3, 7, 8, 9, 17, 100, 1000}) {
            double[][] set = stressSet(r, n);
            NearestIndex index = NearestIndex.build(set[0], set[1]);
            BruteForce brute = new BruteForce(set[0], set[1]);
            int perSet = n < 1000 ? 2_000 : 84_000;
            for (int q = 0; q < perSet; q++) {
                double[] p = randomQuery(r, set);
                assertNearestMatchesBruteForce(index, brute, p[0], p[1]);
                queries++;
            }
        }
        assertThat(queries).isGreaterThanOrEqualTo(100_000);
    }

    @Test
    void nearestEqualsBruteForceOnTheCitiesSet() {
        ReferenceSet cities = ReferenceSetReader.bundled();
        double[] lat = new double[cities.size()];
        double[] lon = new double[cities.size()];
        for (int i = 0; i < lat.length; i++) {
            lat[i] = cities.lat(i);
            lon[i] = cities.lon(i);
        }
        BruteForce brute = new BruteForce(lat, lon);
        Random r = new Random(SEED + 1);
        for (int q = 0; q < 600; q++) {
            double[] p = q < 20 ? new double[] {q % 2 == 0 ? 90 : -90, 0} : randomPoint(r);
            assertNearestMatchesBruteForce(cities.index(), brute, p[0], p[1]);
        }
    }

    @Test
    void polesAndAntimeridianAreNeighbours() {
        // Planar lat/lon would put these far apart; on the sphere they are close.
        NearestIndex index = NearestIndex.build(new double[] {0, 0, 89.9, 0}, new double[] {179.9, 0, -90, -10});
        assertThat(index.nearest(0, -179.95)).isEqualTo(0);
        assertThat(index.nearest(0, 180)).isEqualTo(0);
        assertThat(index.nearest(90, 0)).isEqualTo(2);
        assertThat(index.nearest(89.95, 90)).isEqualTo(2);
        assertThat(index.searcher().nearest(0, -180)).isEqualTo(0);
    }

    @Test
    void exactTiesReportEitherPlaceAtTheSameDistance() {
        NearestIndex index = NearestIndex.build(new double[] {0, 0, 50}, new double[] {10, -10, 0});
        Searcher s = index.searcher();
        int found = s.nearest(0, 0);
        assertThat(found).isIn(0, 1);
        assertThat(s.distanceKm(found)).isCloseTo(Earth.haversineKm(0, 0, 0, 10), within(1e-12));
    }

    @Test
    void duplicatedCoordinatesAreAllReturnedByKNearest() {
        NearestIndex index = NearestIndex.build(new double[] {1, 1, 1, 5}, new double[] {2, 2, 2, 5});
        Neighbors out = new Neighbors();
        assertThat(index.searcher().nearest(1, 2, 3, Double.POSITIVE_INFINITY, out))
                .isEqualTo(3);
        assertThat(new int[] {out.index(0), out.index(1), out.index(2)}).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(out.distanceKm(2)).isZero();
    }

    @Test
    void onePointAndTwoPointSets() {
        NearestIndex one = NearestIndex.build(new double[] {-33.9}, new double[] {151.2});
        assertThat(one.nearest(51.5, -0.1)).isZero();
        NearestIndex two = NearestIndex.build(new double[] {37.7749, 34.0522}, new double[] {-122.4194, -118.2437});
        assertThat(two.nearest(37.7749, -122.4194)).isZero();
        Searcher s = two.searcher();
        assertThat(s.nearest(35, -120)).isEqualTo(1);
        assertThat(s.distanceKm(1)).isCloseTo(192.3334276712751, within(1e-9));
    }

    @Test
    void emptySetIsAClearError() {
        assertThatThrownBy(() -> NearestIndex.build(new double[0], new double[0]))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("empty set of places")
                .extracting(e -> ((InvalidInputException) e).code())
                .isEqualTo("empty_reference_set");
    }

    @Test
    void outOfRangeQueryIsAClearError() {
        NearestIndex index = NearestIndex.build(new double[] {0}, new double[] {0});
        assertThatThrownBy(() -> index.nearest(91, 0))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("lat must be in [-90, 90]");
        assertThatThrownBy(() -> index.nearest(Double.NaN, 0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> index.nearest(0, 180.5)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void kNearestAndRadiusEqualBruteForce() {
        Random r = new Random(SEED + 2);
        double[][] set = stressSet(r, 700);
        NearestIndex index = NearestIndex.build(set[0], set[1]);
        BruteForce brute = new BruteForce(set[0], set[1]);
        Searcher s = index.searcher();
        Neighbors out = new Neighbors();
        for (int q = 0; q < 3_000; q++) {
            double[] p = randomQuery(r, set);
            int k = 1 + r.nextInt(20);
            double maxKm = r.nextInt(4) == 0 ? Double.POSITIVE_INFINITY : r.nextDouble() * 3000;
            double[] expected = brute.kNearestKm(p[0], p[1], k, maxKm);
            int n = s.nearest(p[0], p[1], k, maxKm, out);
            assertThat(n).as("k=%d maxKm=%s at (%s, %s)", k, maxKm, p[0], p[1]).isEqualTo(expected.length);
            for (int i = 0; i < n; i++) {
                assertThat(out.distanceKm(i)).isCloseTo(expected[i], within(EPS_KM));
                if (i > 0) {
                    assertThat(out.distanceKm(i)).isGreaterThanOrEqualTo(out.distanceKm(i - 1));
                }
            }
        }
    }

    @Test
    void radiusIsInclusiveAtItsBoundary() {
        NearestIndex index = NearestIndex.build(new double[] {0, 0}, new double[] {1, 3});
        double exact = Earth.haversineKm(0, 0, 0, 1);
        Neighbors out = new Neighbors();
        assertThat(index.searcher().nearest(0, 0, 5, exact, out)).isEqualTo(1);
        assertThat(index.searcher().nearest(0, 0, 5, Math.nextDown(exact), out)).isZero();
    }

    /** The batch search against brute force, with the answers written back at their inputs' positions. */
    @Test
    void batchEqualsBruteForceOnSmallSets() {
        Random r = new Random(SEED + 2);
        for (int n : new int[] {1, 9, 13, 100, 1000, 5000}) {
            double[][] set = stressSet(r, n);
            NearestIndex index = NearestIndex.build(set[0], set[1]);
            BruteForce brute = new BruteForce(set[0], set[1]);
            int queries = 3_000;
            double[] lat = new double[queries];
            double[] lon = new double[queries];
            for (int q = 0; q < queries; q++) {
                double[] p = randomQuery(r, set);
                lat[q] = p[0];
                lon[q] = p[1];
            }
            int from = 7;
            int to = queries - 5;
            int[] places = new int[queries];
            double[] km = new double[queries];
            java.util.Arrays.fill(places, -1);
            index.searcher().nearest(lat, lon, from, to, places, km);
            for (int q = 0; q < queries; q++) {
                if (q < from || q >= to) {
                    assertThat(places[q]).as("outside the range").isEqualTo(-1);
                    continue;
                }
                assertBatchAnswer(index, lat[q], lon[q], places[q], km[q], brute.nearestKm(lat[q], lon[q]));
            }
        }
    }

    /**
     * The cities against 20,000-query batches in the three distributions: every answer against the
     * one-by-one search, a sample against brute force (which checks the one-by-one search too).
     */
    @Test
    void batchEqualsBruteForceOnTheCitiesSetInThreeDistributions() {
        ReferenceSet cities = ReferenceSetReader.bundled();
        double[][] set = QueryPoints.coordinates(cities);
        BruteForce brute = new BruteForce(set[0], set[1]);
        Random r = new Random(SEED + 3);
        int queries = 20_000;
        List<double[][]> distributions = List.of(
                QueryPoints.uniform(r, queries),
                QueryPoints.nearPlaces(r, cities, queries),
                QueryPoints.nearAirports(r, queries));
        Searcher one = cities.index().searcher();
        for (double[][] q : distributions) {
            int[] places = new int[queries];
            double[] km = new double[queries];
            cities.index().searcher().nearest(q[0], q[1], 0, queries, places, km);
            for (int i = 0; i < queries; i++) {
                double expected = one.distanceKm(one.nearest(q[0][i], q[1][i]));
                if (i % 133 == 0) {
                    expected = brute.nearestKm(q[0][i], q[1][i]);
                }
                assertBatchAnswer(cities.index(), q[0][i], q[1][i], places[i], km[i], expected);
            }
        }
    }

    /**
     * Real point files repeat coordinates (the shared event file: 20,000 events at 220 points): a batch of
     * points met again and again, in runs and scattered, signed zeros and the edges among them, gathered
     * (from 65,536 queries on) and not; every answer the one-by-one search's place and km, exactly.
     */
    @Test
    void batchOfRepeatedPointsEqualsOneByOne() {
        ReferenceSet cities = ReferenceSetReader.bundled();
        Random r = new Random(SEED + 4);
        double[][] distinct = QueryPoints.nearPlaces(r, cities, 200);
        double[][] edges = {
            {0.0, 0.0},
            {-0.0, -0.0},
            {-0.0, 0.0},
            {90, 180},
            {-90, -180},
            {12.5, 180},
            {12.5, -180},
            // one coordinate shared, within one cell of the batch's curve: met next to each other, not equal
            {48.85, 2.35},
            {48.85, 2.351},
            {48.851, 2.35}
        };
        for (int queries : new int[] {5_000, 100_000}) {
            double[] lat = new double[queries];
            double[] lon = new double[queries];
            for (int i = 0; i < queries; ) {
                int run = 1 + r.nextInt(5);
                int k = r.nextInt(200 + edges.length);
                for (int j = 0; j < run && i < queries; j++, i++) {
                    lat[i] = k < 200 ? distinct[0][k] : edges[k - 200][0];
                    lon[i] = k < 200 ? distinct[1][k] : edges[k - 200][1];
                }
            }
            int[] places = new int[queries];
            double[] km = new double[queries];
            cities.index().searcher().nearest(lat, lon, 0, queries, places, km);
            Searcher one = cities.index().searcher();
            for (int i = 0; i < queries; i++) {
                int expected = one.nearest(lat[i], lon[i]);
                assertThat(places[i]).as("(%s, %s)", lat[i], lon[i]).isEqualTo(expected);
                assertThat(km[i]).as("(%s, %s)", lat[i], lon[i]).isEqualTo(one.distanceKm(expected));
            }
        }
    }

    @Test
    void batchWithAnOutOfRangeQueryAnswersNothing() {
        NearestIndex index = NearestIndex.build(new double[] {1, 2}, new double[] {3, 4});
        double[] lat = new double[100];
        double[] lon = new double[100];
        lat[60] = 91;
        int[] places = new int[100];
        java.util.Arrays.fill(places, -1);
        assertThatThrownBy(() -> index.searcher().nearest(lat, lon, 0, 100, places, new double[100]))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("91");
        assertThat(places).containsOnly(-1);
    }

    private static void assertBatchAnswer(
            NearestIndex index, double lat, double lon, int place, double km, double expectedKm) {
        assertThat(km)
                .as("nearest to (%s, %s): batch says #%d at %s km, expected %s km", lat, lon, place, km, expectedKm)
                .isCloseTo(expectedKm, within(EPS_KM));
        assertThat(km).isEqualTo(Earth.haversineKm(lat, lon, index.lat(place), index.lon(place)));
    }
}
