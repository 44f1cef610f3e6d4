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
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * nearest_cities: 1,000,000 points uniform on the sphere (most of them at sea) against the ~200k GeoNames
 * cities. One operation is one query answered with the nearest place and its haversine distance; scores
 * are queries per second. The brute-force baseline scans every city per query, in the same run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms1g", "-Xmx1g"})
public class NearestCitiesBenchmark {
    static final int QUERIES = 1_000_000;

    @State(Scope.Benchmark)
    public static class Data {
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
            double[][] q = Workloads.uniformSpherePoints(QUERIES, 42);
            lat = q[0];
            lon = q[1];
        }
    }

    @State(Scope.Thread)
    public static class Cursor {
        Searcher searcher;
        int next;

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
