package meridian.core.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import meridian.core.geo.Earth;
import meridian.core.index.BruteForce;
import meridian.core.index.QueryPoints;
import meridian.core.refs.Place;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
class EnricherTest {
    static final ReferenceSet SF_LA = ReferenceSet.of(
            "sf-la",
            List.of(
                    new Place("1", "San Francisco", 37.7749, -122.4194, Map.of()),
                    new Place("2", "Los Angeles", 34.0522, -118.2437, Map.of())));

    @Test
    void referenceCase() {
        RecordBatch batch = new RecordBatch();
        batch.add(1, 37.7749, -122.4194, new double[] {1.0, 2.0}, 0, 2);
        batch.add(2, 35.0, -120.0, new double[] {1.0}, 0, 1);
        Matches m = new Matches();
        new Enricher(SF_LA.index()).enrich(batch, EnrichOptions.NEAREST, m, Runnable::run, 2);

        assertThat(m.place(0, 0)).isZero();
        assertThat(m.distanceKm(0, 0)).isZero();
        assertThat(batch.payload(0, 0)).isZero();
        assertThat(batch.payload(0, 1)).isZero();

        assertThat(SF_LA.placeName(m.place(1, 0))).isEqualTo("Los Angeles");
        assertThat(m.distanceKm(1, 0)).isCloseTo(192.33, within(0.005));
        // the reference design's answer for this record, as printed in its README
        assertThat(batch.payload(1, 0)).isCloseTo(192.3334276712751, within(1e-12));
    }

    @Test
    void enrich10kMatchesAnIndependentComputation() {
        RecordBatch batch = enrich10k();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            new Enricher(SF_LA.index()).enrich(batch, EnrichOptions.NEAREST, new Matches(), pool, 3);
        } finally {
            pool.shutdown();
        }
        for (int id = 0; id < 10_000; id++) {
            double lat = 35.0 + id % 10, lon = -120.0 + id % 5;
            double expected = Math.min(
                    Earth.haversineKm(lat, lon, 37.7749, -122.4194), Earth.haversineKm(lat, lon, 34.0522, -118.2437));
            for (int j = 0; j < 64; j++) {
                assertThat(batch.payload(id, j)).isCloseTo(expected, within(expected * 1e-12));
            }
        }
    }

    @Test
    void parallelEqualsSequential() {
        Random r = new Random(7);
        RecordBatch a = new RecordBatch();
        for (int i = 0; i < 20_000; i++) {
            double z = 2 * r.nextDouble() - 1;
            a.add(i, Math.toDegrees(Math.asin(z)), 360 * r.nextDouble() - 180, new double[] {1, i}, 0, 2);
        }
        RecordBatch b = a.copy();
        Enricher e = new Enricher(SF_LA.index());
        Matches ma = new Matches();
        Matches mb = new Matches();
        e.enrich(a, EnrichOptions.NEAREST, ma, ForkJoinPool.commonPool(), 4);
        mb.reset(b.size(), 1);
        e.enrichRange(b, 0, b.size(), EnrichOptions.NEAREST, mb);
        for (int i = 0; i < a.size(); i++) {
            assertThat(ma.place(i, 0)).isEqualTo(mb.place(i, 0));
            assertThat(ma.distanceKm(i, 0)).isEqualTo(mb.distanceKm(i, 0));
            assertThat(a.payload(i, 1)).isEqualTo(b.payload(i, 1));
        }
    }

    @Test
    void copyIntoReusesTheTargetAndCopiesEverything() {
        RecordBatch source = new RecordBatch();
        source.add(7, 1.5, 2.5, new double[] {3, 4}, 0, 2);
        source.add(8, -1, -2);
        RecordBatch target = new RecordBatch(1);
        target.add(99, 0, 0, new double[] {1, 1, 1, 1, 1}, 0, 5);
        source.copyInto(target);
        assertThat(target.size()).isEqualTo(2);
        assertThat(target.id(0)).isEqualTo(7);
        assertThat(target.lon(0)).isEqualTo(2.5);
        assertThat(target.payloadLength(0)).isEqualTo(2);
        assertThat(target.payload(0, 1)).isEqualTo(4.0);
        assertThat(target.hasPayload(1)).isFalse();
        assertThat(target.payloadLength(1)).isZero();
        target.add(3, 0, 0, new double[] {9}, 0, 1); // the target stays independent of the source
        assertThat(source.payloadLength(1)).isZero();
    }

    @Test
    void kNearestAndRadius() {
        RecordBatch batch = new RecordBatch();
        batch.add(1, 36.0, -120.0, new double[] {2.0}, 0, 1);
        batch.add(2, 0.0, 0.0);
        Matches m = new Matches();
        new Enricher(SF_LA.index()).enrich(batch, new EnrichOptions(2, 400), m, Runnable::run, 1);
        assertThat(m.count(0)).isEqualTo(2);
        assertThat(m.distanceKm(0, 0)).isLessThanOrEqualTo(m.distanceKm(0, 1));
        assertThat(batch.payload(0, 0)).isCloseTo(2 * m.distanceKm(0, 0), within(1e-9));
        assertThat(m.count(1)).as("nothing within 400 km of (0, 0)").isZero();
    }

    static RecordBatch enrich10k() {
        RecordBatch batch = new RecordBatch(10_000);
        double[] ones = new double[64];
        java.util.Arrays.fill(ones, 1.0);
        for (int id = 0; id < 10_000; id++) {
            batch.add(id, 35.0 + id % 10, -120.0 + id % 5, ones, 0, 64);
        }
        return batch;
    }

    /** Ranges of the cities' batch, in the three query distributions, against brute force. */
    @Test
    void rangesOfCitiesEqualBruteForceInThreeDistributions() {
        ReferenceSet cities = ReferenceSetReader.bundled();
        double[][] set = QueryPoints.coordinates(cities);
        BruteForce brute = new BruteForce(set[0], set[1]);
        Random r = new Random(11);
        int n = 6_000;
        Enricher enricher = new Enricher(cities.index());
        for (double[][] q : List.of(
                QueryPoints.uniform(r, n), QueryPoints.nearPlaces(r, cities, n), QueryPoints.nearAirports(r, n))) {
            RecordBatch batch = new RecordBatch();
            for (int i = 0; i < n; i++) {
                batch.add(i, q[0][i], q[1][i], new double[] {1, 2}, 0, 2);
            }
            Matches m = new Matches();
            m.reset(n, 1);
            enricher.enrichRange(batch, 0, 1_000, EnrichOptions.NEAREST, m);
            enricher.enrichRange(batch, 1_000, n, EnrichOptions.NEAREST, m);
            for (int i = 0; i < n; i += 37) {
                double expected = brute.nearestKm(q[0][i], q[1][i]);
                assertThat(m.count(i)).isEqualTo(1);
                assertThat(m.distanceKm(i, 0)).as("record %d", i).isCloseTo(expected, within(1e-9));
                assertThat(m.distanceKm(i, 0))
                        .isEqualTo(Earth.haversineKm(
                                q[0][i], q[1][i], cities.lat(m.place(i, 0)), cities.lon(m.place(i, 0))));
                assertThat(batch.payload(i, 1)).isEqualTo(2 * m.distanceKm(i, 0));
            }
        }
    }

    /**
     * The country, found by the same parallel enrich call as the nearest place, is what a locator of its
     * own says for every record (the locator itself is checked against a brute-force twin in its own test);
     * without the option nothing is located.
     */
    @Test
    void countryRidesAlongInTheSameCall() {
        long seed = Seeds.seed();
        Random rng = new Random(seed);
        RecordBatch batch = new RecordBatch();
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            batch.add(i, Math.toDegrees(Math.asin(2 * rng.nextDouble() - 1)), 360 * rng.nextDouble() - 180);
        }
        var regions = new RegionLookup(meridian.core.region.Regions.bundled());
        Matches m = new Matches();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            new Enricher(SF_LA.index()).enrich(batch, EnrichOptions.NEAREST.withRegions(regions), m, pool, 4);
        } finally {
            pool.shutdown();
        }
        assertThat(m.regions()).isSameAs(regions);
        var locator = regions.locator();
        int located = 0;
        for (int i = 0; i < n; i++) {
            int u = locator.locate(batch.lat(i), batch.lon(i));
            assertThat(m.unit(i)).as("seed %d record %d", seed, i).isEqualTo(u);
            if (u >= 0) {
                located++;
                assertThat(m.unitKm(i)).isEqualTo(locator.distanceKm());
            }
            assertThat(m.count(i)).isEqualTo(1);
        }
        assertThat(located)
                .as("seed %d: about 29%% of the sphere is land", seed)
                .isBetween(2_000, 4_500);

        new Enricher(SF_LA.index()).enrich(batch, EnrichOptions.NEAREST, m, Runnable::run, 1);
        assertThat(m.regions()).isNull();
    }
}
