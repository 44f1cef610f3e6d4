package meridian.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import meridian.core.geo.Earth;
import meridian.core.index.Searcher;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;

/**
 * The Java half of {@code bench/compare_nearest.sh}.
 *
 * <ul>
 *   <li>{@code run DIR [QUERIES] [SAMPLE] [BRUTE]}: for each distribution, makes QUERIES points (uniform,
 *       near cities, near airports, as in NearestCitiesBenchmark), times Meridian's batch search over all of
 *       them on this thread (batches of 16,384, best of 3), times brute force over the first BRUTE, and
 *       writes the first SAMPLE points to {@code DIR/DIST.csv} (i,lat,lon) with Meridian's and brute
 *       force's answers (GeoNames ids) and each tool's queries/s in {@code DIR/DIST.TOOL.qps}.
 *   <li>{@code report DIR}: the table of queries/s per tool and distribution, and how often each tool's
 *       answer is Meridian's place, an equally near place (a tie: same haversine distance within 1e-9 km),
 *       or a different one.
 * </ul>
 */
public final class NearestCompare {
    static final String[] DISTRIBUTIONS = {"uniform", "clustered", "real"};
    static final String[] TOOLS = {"meridian", "brute", "geokdbush", "postgis"};

    private NearestCompare() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[1]);
        ReferenceSet cities = ReferenceSetReader.bundled();
        if (args[0].equals("run")) {
            int queries = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
            int sample = args.length > 3 ? Integer.parseInt(args[3]) : 20_000;
            int bruteCount = args.length > 4 ? Integer.parseInt(args[4]) : 500;
            run(cities, dir, queries, sample, bruteCount);
        } else {
            report(cities, dir);
        }
    }

    private static void run(ReferenceSet cities, Path dir, int queries, int sample, int bruteCount) throws IOException {
        Files.createDirectories(dir);
        Searcher searcher = cities.index().searcher();
        for (String d : DISTRIBUTIONS) {
            double[][] q = Workloads.nearestQueries(d, cities, queries);
            double[] lat = q[0];
            double[] lon = q[1];
            int[] places = new int[queries];
            double[] km = new double[queries];
            long bestNs = Long.MAX_VALUE;
            for (int rep = 0; rep < 4; rep++) { // the first is warm-up
                long t0 = System.nanoTime();
                for (int from = 0; from < queries; from += 16_384) {
                    searcher.nearest(lat, lon, from, Math.min(queries, from + 16_384), places, km);
                }
                long ns = System.nanoTime() - t0;
                if (rep > 0) {
                    bestNs = Math.min(bestNs, ns);
                }
            }
            writeQps(dir, d, "meridian", queries * 1e9 / bestNs);
            try (PrintWriter points = new PrintWriter(Files.newBufferedWriter(dir.resolve(d + ".csv")));
                    PrintWriter answers = new PrintWriter(Files.newBufferedWriter(dir.resolve(d + ".meridian")))) {
                points.println("i,lat,lon");
                for (int i = 0; i < sample; i++) {
                    points.printf(Locale.ROOT, "%d,%s,%s%n", i, lat[i], lon[i]);
                    answers.println(i + "," + cities.id(places[i]));
                }
            }
            long t0 = System.nanoTime();
            try (PrintWriter answers = new PrintWriter(Files.newBufferedWriter(dir.resolve(d + ".brute")))) {
                for (int i = 0; i < bruteCount; i++) {
                    double best = Double.POSITIVE_INFINITY;
                    int bestPlace = -1;
                    for (int c = 0; c < cities.size(); c++) {
                        double dist = Earth.haversineKm(lat[i], lon[i], cities.lat(c), cities.lon(c));
                        if (dist < best) {
                            best = dist;
                            bestPlace = c;
                        }
                    }
                    answers.println(i + "," + cities.id(bestPlace));
                }
            }
            writeQps(dir, d, "brute", bruteCount * 1e9 / (System.nanoTime() - t0));
        }
    }

    private static void writeQps(Path dir, String distribution, String tool, double qps) throws IOException {
        Files.writeString(dir.resolve(distribution + "." + tool + ".qps"), String.format(Locale.ROOT, "%.1f%n", qps));
    }

    private static void report(ReferenceSet cities, Path dir) throws IOException {
        Map<String, Integer> byId = new HashMap<>();
        for (int i = 0; i < cities.size(); i++) {
            byId.put(cities.id(i), i);
        }
        System.out.printf(
                Locale.ROOT,
                "load %.2f%n%-10s %-10s %14s %10s %9s %8s %8s %8s%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                "points",
                "tool",
                "queries/s",
                "vs meridian",
                "checked",
                "same",
                "tie",
                "differ");
        for (String d : DISTRIBUTIONS) {
            List<String> pointLines = Files.readAllLines(dir.resolve(d + ".csv"));
            int n = pointLines.size() - 1;
            double[] lat = new double[n];
            double[] lon = new double[n];
            for (int i = 0; i < n; i++) {
                String[] f = pointLines.get(i + 1).split(",");
                lat[i] = Double.parseDouble(f[1]);
                lon[i] = Double.parseDouble(f[2]);
            }
            int[] meridian = answers(dir.resolve(d + ".meridian"), byId, n);
            double meridianQps = qps(dir, d, "meridian");
            for (String tool : TOOLS) {
                Path file = dir.resolve(d + "." + tool);
                if (!Files.exists(file)) {
                    System.out.printf(Locale.ROOT, "%-10s %-10s %14s%n", d, tool, "not run");
                    continue;
                }
                int[] other = answers(file, byId, n);
                int checked = 0, same = 0, tie = 0, differ = 0;
                for (int i = 0; i < n; i++) {
                    if (other[i] < 0) {
                        continue;
                    }
                    checked++;
                    if (other[i] == meridian[i]) {
                        same++;
                    } else if (Math.abs(km(cities, lat[i], lon[i], other[i]) - km(cities, lat[i], lon[i], meridian[i]))
                            <= 1e-9) {
                        tie++;
                    } else {
                        differ++;
                    }
                }
                double toolQps = qps(dir, d, tool);
                System.out.printf(
                        Locale.ROOT,
                        "%-10s %-10s %,14.0f %10.5fx %9d %8d %8d %8d%n",
                        d,
                        tool,
                        toolQps,
                        toolQps / meridianQps,
                        checked,
                        same,
                        tie,
                        differ);
            }
        }
    }

    private static double km(ReferenceSet cities, double lat, double lon, int place) {
        return Earth.haversineKm(lat, lon, cities.lat(place), cities.lon(place));
    }

    private static double qps(Path dir, String distribution, String tool) {
        try {
            return Double.parseDouble(Files.readString(dir.resolve(distribution + "." + tool + ".qps"))
                    .trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines "i,GeoNames id" into positions in the reference set; -1 where a query has no answer. */
    private static int[] answers(Path file, Map<String, Integer> byId, int n) throws IOException {
        int[] out = new int[n];
        java.util.Arrays.fill(out, -1);
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            Integer place = byId.get(f[1].trim());
            if (place == null) {
                throw new IllegalStateException(file + ": unknown place id in line " + line);
            }
            out[Integer.parseInt(f[0].trim())] = place;
        }
        return out;
    }
}
