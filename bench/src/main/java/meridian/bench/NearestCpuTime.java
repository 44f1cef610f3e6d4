package meridian.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import meridian.core.index.NearestIndex;
import meridian.core.index.Searcher;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;

/**
 * nearest_cities measured in CPU time of the one measuring thread, for a machine shared with other jobs:
 * wall-clock throughput (JMH) there measures the other jobs as much as the search. Rounds alternate the
 * distributions and the ways of querying, and each is reported as the median over rounds, with its ratio
 * to answering one query at a time in input order (main's way) in the same rounds. Every batch answer is
 * checked against the one-by-one answer (same distance; an equally near place may stand in).
 *
 * <pre>java -cp bench/target/benchmarks.jar meridian.bench.NearestCpuTime [ROUNDS=5] [QUERIES=1000000] [BATCHES=16384,1024]</pre>
 *
 * <p>BATCHES lists the batch sizes measured beside one by one (e.g. {@code 16384,65536,131072}).
 */
public final class NearestCpuTime {
    private static final String[] DISTRIBUTIONS = Workloads.NEAREST_DISTRIBUTIONS;

    private NearestCpuTime() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int[] batches = Arrays.stream((args.length > 2 ? args[2] : "16384,1024").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        String[] ways = new String[1 + batches.length];
        ways[0] = "one by one";
        for (int b = 0; b < batches.length; b++) {
            ways[1 + b] = "batch " + batches[b];
        }
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        ReferenceSet cities = ReferenceSetReader.bundled();
        double[][][] points = new double[DISTRIBUTIONS.length][][];
        for (int d = 0; d < DISTRIBUTIONS.length; d++) {
            points[d] = Workloads.nearestQueries(DISTRIBUTIONS[d], cities, queries);
        }
        NearestIndex index = cities.index();
        Searcher searcher = index.searcher();
        double[][][] perQuery = new double[DISTRIBUTIONS.length][ways.length][rounds];
        int[] places = new int[queries];
        double[] km = new double[queries];
        double[][] reference = new double[DISTRIBUTIONS.length][];
        long disagreements = 0;
        for (int round = -1; round < rounds; round++) { // round -1 warms up
            for (int d = 0; d < DISTRIBUTIONS.length; d++) {
                double[] lat = points[d][0];
                double[] lon = points[d][1];
                for (int w = 0; w < ways.length; w++) {
                    long t0 = cpu.getCurrentThreadCpuTime();
                    if (w == 0) {
                        for (int i = 0; i < queries; i++) {
                            int place = searcher.nearest(lat[i], lon[i]);
                            places[i] = place;
                            km[i] = searcher.distanceKm(place);
                        }
                    } else {
                        inBatches(searcher, lat, lon, batches[w - 1], places, km);
                    }
                    long ns = cpu.getCurrentThreadCpuTime() - t0;
                    if (w == 0) {
                        reference[d] = km.clone();
                    } else {
                        for (int i = 0; i < queries; i++) {
                            if (km[i] != reference[d][i]) {
                                disagreements++;
                            }
                        }
                    }
                    if (round >= 0) {
                        perQuery[d][w][round] = ns / (double) queries;
                    }
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "nearest_cities, CPU time of one thread, %d queries per distribution, median of %d rounds, load %s%n",
                queries,
                rounds,
                loadAverage());
        System.out.printf(
                Locale.ROOT, "%-10s %-12s %12s %10s %8s%n", "points", "way", "queries/s", "ns/query", "ratio");
        for (int d = 0; d < DISTRIBUTIONS.length; d++) {
            double base = median(perQuery[d][0]);
            for (int w = 0; w < ways.length; w++) {
                double ns = median(perQuery[d][w]);
                System.out.printf(
                        Locale.ROOT,
                        "%-10s %-12s %,12.0f %10.1f %7.2fx%n",
                        DISTRIBUTIONS[d],
                        ways[w],
                        1e9 / ns,
                        ns,
                        base / ns);
            }
        }
        System.out.println("answers whose distance differs from one-by-one: " + disagreements);
    }

    private static void inBatches(Searcher s, double[] lat, double[] lon, int batch, int[] places, double[] km) {
        for (int from = 0; from < lat.length; from += batch) {
            s.nearest(lat, lon, from, Math.min(lat.length, from + batch), places, km);
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String loadAverage() {
        return String.format(
                Locale.ROOT,
                "%.2f",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
