package meridian.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import meridian.core.geo.Earth;
import meridian.core.index.NearestIndex;
import meridian.core.index.Searcher;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * nearest_cities: 1,000,000 query points against the ~200k GeoNames cities, in three distributions
 * ({@code points}): {@code uniform} on the sphere (70% at sea, the hard case), {@code clustered} near random
 * cities (about 10 km of jitter, as {@code bench/gen_points.sh} with the places), and {@code real}: near
 * the world's airports (about 5 km of jitter). One operation is one query answered with the nearest place
 * and its haversine distance; scores are queries per second. {@code index_*} answer the queries one by one
 * in input order; {@code batch_*} hand them to the batch search in the batches {@code process} (16,384
 * rows) and the service (1,024 records) use. The brute-force baseline scans every city per query.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class NearestCitiesBenchmark extends FixedHeapBenchmark {
    static final int QUERIES = 1_000_000;
    /** Rows per chunk of {@code meridian process} (its --chunk default). */
    static final int PROCESS_BATCH = 16_384;
    /** Records per step of the service's /enrich. */
    static final int SERVICE_BATCH = 1_024;

    @State(Scope.Benchmark)
    public static class Data {
        @Param({"uniform", "clustered", "real"})
        String points;

        ReferenceSet cities;
        double[] cityLat;
        double[] cityLon;
        double[] lat;
        double[] lon;
        final AtomicInteger threadSlices = new AtomicInteger();

        @Setup
        public void setUp() {
            cities = ReferenceSetReader.bundled();
            cityLat = new double[cities.size()];
            cityLon = new double[cities.size()];
            for (int i = 0; i < cities.size(); i++) {
                cityLat[i] = cities.lat(i);
                cityLon[i] = cities.lon(i);
            }
            double[][] q = Workloads.nearestQueries(points, cities, QUERIES);
            lat = q[0];
            lon = q[1];
        }
    }

    @State(Scope.Thread)
    public static class Cursor {
        Searcher searcher;
        int next;
        final int[] places = new int[PROCESS_BATCH];
        final double[] km = new double[PROCESS_BATCH];
        final double[] batchLat = new double[PROCESS_BATCH];
        final double[] batchLon = new double[PROCESS_BATCH];

        @Setup(Level.Trial)
        public void setUp(Data data) {
            searcher = data.cities.index().searcher();
            // threads start at different places so they do not walk the same queries in lockstep
            next = data.threadSlices.getAndIncrement() * 250_007 % QUERIES;
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(QUERIES)
    public void index_one_thread(Data data, Cursor cursor, Blackhole bh) {
        queryAll(data, cursor, bh);
    }

    @Benchmark
    @Threads(Threads.MAX)
    @OperationsPerInvocation(QUERIES)
    public void index_all_threads(Data data, Cursor cursor, Blackhole bh) {
        queryAll(data, cursor, bh);
    }

    private static void queryAll(Data data, Cursor cursor, Blackhole bh) {
        Searcher s = cursor.searcher;
        double[] lat = data.lat;
        double[] lon = data.lon;
        int start = cursor.next;
        for (int j = 0; j < QUERIES; j++) {
            int i = start + j;
            if (i >= QUERIES) {
                i -= QUERIES;
            }
            int place = s.nearest(lat[i], lon[i]);
            bh.consume(place);
            bh.consume(s.distanceKm(place));
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(QUERIES)
    public void batch_one_thread(Data data, Cursor cursor, Blackhole bh) {
        queryInBatches(data, cursor, bh, PROCESS_BATCH);
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(QUERIES)
    public void batch_1k_one_thread(Data data, Cursor cursor, Blackhole bh) {
        queryInBatches(data, cursor, bh, SERVICE_BATCH);
    }

    private static void queryInBatches(Data data, Cursor cursor, Blackhole bh, int batch) {
        Searcher s = cursor.searcher;
        int[] places = cursor.places;
        double[] km = cursor.km;
        for (int from = 0; from < QUERIES; from += batch) {
            int n = Math.min(batch, QUERIES - from);
            System.arraycopy(data.lat, from, cursor.batchLat, 0, n);
            System.arraycopy(data.lon, from, cursor.batchLon, 0, n);
            s.nearest(cursor.batchLat, cursor.batchLon, 0, n, places, km);
            bh.consume(places[n - 1]);
            bh.consume(km[n - 1]);
        }
    }

    /** One query's latency (sampled; the timer adds some tens of ns to each sample). */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Threads(1)
    public double single_query_latency(Data data, Cursor cursor) {
        int i = cursor.next++;
        if (cursor.next == QUERIES) {
            cursor.next = 0;
        }
        Searcher s = cursor.searcher;
        return s.distanceKm(s.nearest(data.lat[i], data.lon[i]));
    }

    /** The baseline: every city's haversine distance for each query (a slice of the queries, same points). */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(200)
    @Warmup(iterations = 1, time = 2)
    @Measurement(iterations = 3, time = 2)
    public void brute_force_one_thread(Data data, Cursor cursor, Blackhole bh) {
        double[] cl = data.cityLat;
        double[] co = data.cityLon;
        for (int j = 0; j < 200; j++) {
            int i = cursor.next++ % QUERIES;
            double best = Double.POSITIVE_INFINITY;
            int bestPlace = -1;
            for (int c = 0; c < cl.length; c++) {
                double d = Earth.haversineKm(data.lat[i], data.lon[i], cl[c], co[c]);
                if (d < best) {
                    best = d;
                    bestPlace = c;
                }
            }
            bh.consume(bestPlace);
            bh.consume(best);
        }
    }

    /** Index construction over the cities' coordinates (the CSV already parsed). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Threads(1)
    public NearestIndex build_index(Data data) {
        return NearestIndex.build(data.cityLat, data.cityLon);
    }
}
