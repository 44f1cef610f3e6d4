package meridian.core.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import meridian.core.geo.Earth;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The nearest search, one query at a time and in batches, against a scan of every place with the same
 * haversine: the same place (among places at the same distance, the lowest index) and the same distance to
 * the last digit, on 100,000 queries in each of the three distributions of the benchmarks. Brute force over
 * all 199,568 cities would take minutes per distribution, so the places are every 400th city (about 500,
 * the real coastlines and clusters), with 50 of them duplicated and mirrored pairs around them that make
 * exact ties.
 */
@ExtendWith(Seeds.class)
class NearestExactnessTest {
    private static final int QUERIES = 100_000;

    @Test
    void uniformQueries() {
        Random r = new Random(Seeds.seed());
        check(r, QueryPoints.uniform(r, QUERIES));
    }

    @Test
    void queriesNearThePlaces() {
        Random r = new Random(Seeds.seed() + 1);
        double[][] set = places(r);
        check(r, set, QueryPoints.near(r, set[0], set[1], QUERIES, 0.09));
    }

    @Test
    void queriesNearTheAirports() {
        Random r = new Random(Seeds.seed() + 2);
        check(r, QueryPoints.nearAirports(r, QUERIES));
    }

    /**
     * Near ties on purpose: queries exactly on the places, on the midpoint meridian or parallel between a
     * mirrored pair (the two haversine distances are equal to the bit) and within a hair of those.
     */
    @Test
    void queriesOnTiesAndNearTies() {
        Random r = new Random(Seeds.seed() + 3);
        double[][] set = places(r);
        double[] lat = new double[QUERIES];
        double[] lon = new double[QUERIES];
        int n = set[0].length;
        for (int q = 0; q < QUERIES; q++) {
            int p = r.nextInt(n);
            double la = set[0][p];
            double lo = set[1][p];
            switch (q % 4) {
                case 0 -> {} // on a place, often a duplicated one
                case 1 -> lo = 0.0; // the set mirrors around lon 0 and lat 0: see places()
                case 2 -> la = 0.0;
                default -> {
                    la += (r.nextDouble() - 0.5) * 1e-12;
                    lo += (r.nextDouble() - 0.5) * 1e-12;
                }
            }
            lat[q] = Math.max(-90, Math.min(90, la));
            lon[q] = Math.max(-180, Math.min(180, lo));
        }
        check(r, set, new double[][] {lat, lon});
        BruteForce brute = new BruteForce(set[0], set[1]);
        int ties = 0;
        for (int q = 0; q < QUERIES; q += 10) {
            double[] d = brute.distances(lat[q], lon[q]);
            double least = brute.nearestKm(lat[q], lon[q]);
            int atLeast = 0;
            for (double x : d) {
                atLeast += x == least ? 1 : 0;
            }
            ties += atLeast > 1 ? 1 : 0;
        }
        // 954-2,661 of the 10,000 sampled over twelve seeds (the duplicated and mirrored places are drawn at
        // random): 500 still asks for hundreds of exact ties, where 1,000 failed one seed in twelve
        assertThat(ties)
                .as("queries of the sample with two places or more at the least distance")
                .isGreaterThan(500);
    }

    private static void check(Random r, double[][] queries) {
        check(r, places(r), queries);
    }

    private static void check(Random r, double[][] set, double[][] queries) {
        NearestIndex index = NearestIndex.build(set[0], set[1]);
        BruteForce brute = new BruteForce(set[0], set[1]);
        double[] lat = queries[0];
        double[] lon = queries[1];
        int n = lat.length;
        int[] places = new int[n];
        double[] km = new double[n];
        Searcher batch = index.searcher();
        // batches of the sizes the service and process use, and odd ones; the second one copied into curve
        // order (Searcher.GATHERED_BATCH_MIN), away from the start of the arrays
        for (int from = 0, k = 0; from < n; k++) {
            int size = k == 1
                    ? Searcher.GATHERED_BATCH_MIN + r.nextInt(1_000)
                    : r.nextBoolean() ? 16_384 : 1 + r.nextInt(3_000);
            int to = Math.min(n, from + size);
            batch.nearest(lat, lon, from, to, places, km);
            from = to;
        }
        Searcher one = index.searcher();
        for (int q = 0; q < n; q++) {
            int expected = brute.nearest(lat[q], lon[q]);
            double expectedKm = Earth.haversineKm(lat[q], lon[q], set[0][expected], set[1][expected]);
            int single = one.nearest(lat[q], lon[q]);
            String query = "query " + q + " (" + lat[q] + ", " + lon[q] + ")";
            assertThat(single).as(query + " one by one").isEqualTo(expected);
            assertThat(one.distanceKm(single)).as(query + " one by one").isEqualTo(expectedKm);
            assertThat(places[q]).as(query + " in a batch").isEqualTo(expected);
            assertThat(km[q]).as(query + " in a batch").isEqualTo(expectedKm);
        }
    }

    /**
     * Every 400th bundled city, then 50 of them again (same coordinates, later index), then mirror images
     * (lat, -lon) and (-lat, lon) of 100 of them, so that points on lon 0 or lat 0 have exact ties.
     */
    private static double[][] places(Random r) {
        ReferenceSet cities = ReferenceSetReader.bundled();
        double[][] all = QueryPoints.coordinates(cities);
        int sample = (all[0].length + 399) / 400;
        int n = sample + 50 + 200;
        double[] lat = new double[n];
        double[] lon = new double[n];
        for (int i = 0; i < sample; i++) {
            lat[i] = all[0][400 * i];
            lon[i] = all[1][400 * i];
        }
        for (int i = 0; i < 50; i++) {
            int p = r.nextInt(sample);
            lat[sample + i] = lat[p];
            lon[sample + i] = lon[p];
        }
        for (int i = 0; i < 100; i++) {
            int p = r.nextInt(sample);
            int at = sample + 50 + 2 * i;
            lat[at] = lat[p];
            lon[at] = -lon[p];
            lat[at + 1] = -lat[p];
            lon[at + 1] = lon[p];
        }
        return new double[][] {lat, lon};
    }
}
