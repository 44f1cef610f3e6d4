package meridian.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import meridian.core.index.Searcher;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;

/**
 * The batch nearest search of this build against another build's, in one JVM: the other build's core jar is
 * loaded in a class loader of its own (its index made from its own bundled cities), and each round runs both
 * searches over the same 1 M queries of each distribution, in alternating order, timing the measuring thread's
 * CPU. Between separate JVMs the same jar's figures moved by up to 20% from one run to the next on a shared
 * machine; alternated in one JVM, a difference of 2-3% shows (BENCHMARKS.md). Every answer's distance is
 * compared with the other build's.
 *
 * <pre>java -Xms1g -Xmx1g -XX:+UseParallelGC -cp bench/target/benchmarks.jar meridian.bench.NearestVsBuild \
 *     OTHER/core/target/meridian-core-VERSION.jar [ROUNDS=9] [BATCH=16384]</pre>
 *
 * <p>OTHER is typically a worktree of an earlier commit, built with {@code ./mvnw -q -DskipTests package -pl core}.
 * {@code BATCH} 1 answers the queries one by one.
 */
public final class NearestVsBuild {
    private static final String[] DISTRIBUTIONS = Workloads.NEAREST_DISTRIBUTIONS;

    private NearestVsBuild() {}

    /** One build's search, answering {@code [from, to)} into {@code km}. */
    private interface Search {
        void run(double[] lat, double[] lon, int from, int to, int[] places, double[] km) throws Throwable;
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 1 || !Files.isRegularFile(Path.of(args[0]))) {
            System.err.println("usage: NearestVsBuild OTHER-CORE-JAR [ROUNDS=9] [BATCH=16384]");
            System.exit(2);
        }
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 16_384;
        int queries = 1_000_000;

        ReferenceSet cities = ReferenceSetReader.bundled();
        double[][][] points = new double[DISTRIBUTIONS.length][][];
        for (int d = 0; d < DISTRIBUTIONS.length; d++) {
            points[d] = Workloads.nearestQueries(DISTRIBUTIONS[d], cities, queries);
        }

        // both builds' searchers called the same way, through method handles, so that neither pays more for the call
        Search[] searches = {
            other(Path.of(args[0]), batch == 1), search(cities.index().searcher(), Searcher.class, batch == 1)
        };

        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        int[] places = new int[queries];
        double[][] km = {new double[queries], new double[queries]};
        double[][][] ns = new double[DISTRIBUTIONS.length][2][rounds];
        long differing = 0;
        for (int round = -2; round < rounds; round++) { // two rounds warm both up
            for (int d = 0; d < DISTRIBUTIONS.length; d++) {
                for (int k = 0; k < 2; k++) {
                    int w = (round & 1) == 0 ? k : 1 - k;
                    long t0 = cpu.getCurrentThreadCpuTime();
                    for (int from = 0; from < queries; from += batch) {
                        searches[w].run(
                                points[d][0], points[d][1], from, Math.min(queries, from + batch), places, km[w]);
                    }
                    long t = cpu.getCurrentThreadCpuTime() - t0;
                    if (round >= 0) {
                        ns[d][w][round] = t / (double) queries;
                    }
                }
                for (int i = 0; i < queries; i++) {
                    if (km[0][i] != km[1][i]) {
                        differing++;
                    }
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "nearest_cities, CPU time of one thread, %,d queries a distribution, %s, %d rounds alternated; other: %s%n",
                queries,
                batch == 1 ? "one by one" : "batches of " + batch,
                rounds,
                args[0]);
        for (int d = 0; d < DISTRIBUTIONS.length; d++) {
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = ns[d][0][r] / ns[d][1][r];
            }
            Arrays.sort(ratio);
            System.out.printf(
                    Locale.ROOT,
                    "%-10s other %6.1f ns  this %6.1f ns  this build's speed over the other's: median %.3fx, rounds %.3f-%.3fx%n",
                    DISTRIBUTIONS[d],
                    median(ns[d][0]),
                    median(ns[d][1]),
                    ratio[rounds / 2],
                    ratio[0],
                    ratio[rounds - 1]);
        }
        System.out.println("answers whose distance differs from the other build's: " + differing);
    }

    /** The other build's searcher over its own bundled cities, called through method handles. */
    private static Search other(Path jar, boolean oneByOne) throws Throwable {
        // the platform loader as parent: the other build's classes, not this one's, for every meridian.core name
        var loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        var lookup = MethodHandles.publicLookup();
        Class<?> reader = Class.forName("meridian.core.refs.ReferenceSetReader", true, loader);
        Class<?> setClass = Class.forName("meridian.core.refs.ReferenceSet", true, loader);
        Class<?> indexClass = Class.forName("meridian.core.index.NearestIndex", true, loader);
        Class<?> searcherClass = Class.forName("meridian.core.index.Searcher", true, loader);
        Object set = lookup.findStatic(reader, "bundled", MethodType.methodType(setClass))
                .invoke();
        Object index = lookup.findVirtual(setClass, "index", MethodType.methodType(indexClass))
                .invoke(set);
        Object searcher = lookup.findVirtual(indexClass, "searcher", MethodType.methodType(searcherClass))
                .invoke(index);
        return search(searcher, searcherClass, oneByOne);
    }

    private static Search search(Object searcher, Class<?> searcherClass, boolean oneByOne) throws Throwable {
        var lookup = MethodHandles.publicLookup();
        if (oneByOne) {
            MethodHandle nearest = lookup.findVirtual(
                            searcherClass, "nearest", MethodType.methodType(int.class, double.class, double.class))
                    .bindTo(searcher);
            MethodHandle distance = lookup.findVirtual(
                            searcherClass, "distanceKm", MethodType.methodType(double.class, int.class))
                    .bindTo(searcher);
            return (lat, lon, from, to, places, km) -> {
                for (int i = from; i < to; i++) {
                    int p = (int) nearest.invokeExact(lat[i], lon[i]);
                    places[i] = p;
                    km[i] = (double) distance.invokeExact(p);
                }
            };
        }
        MethodHandle batch = lookup.findVirtual(
                        searcherClass,
                        "nearest",
                        MethodType.methodType(
                                void.class,
                                double[].class,
                                double[].class,
                                int.class,
                                int.class,
                                int[].class,
                                double[].class))
                .bindTo(searcher);
        return (lat, lon, from, to, places, km) -> {
            batch.invokeExact(lat, lon, from, to, places, km); // a statement: the handle's type returns void
        };
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
