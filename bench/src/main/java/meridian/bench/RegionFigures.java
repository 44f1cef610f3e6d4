package meridian.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import meridian.core.region.RegionIndex;
import meridian.core.region.RegionLocator;
import meridian.core.region.Regions;

/**
 * Figures for the region index outside JMH, for bench/regions_vs_postgis.sh:
 *
 * <ul>
 *   <li>{@code load}: time to load the bundled index in a fresh JVM, and its memory;
 *   <li>{@code export DIR}: the repaired rings as WKT (one LINESTRING per ring, with its unit; PostGIS
 *       makes each a valid polygon and a unit the symmetric difference of its rings: the even-odd rule) and the three workloads with the
 *       index's answers (containment only);
 *   <li>{@code time KIND N}: containment lookups per second on the first N points of a workload (best of
 *       five passes after a warm-up).
 * </ul>
 */
public final class RegionFigures {
    private RegionFigures() {}

    public static void main(String[] args) throws IOException {
        switch (args[0]) {
            case "load" -> {
                long t0 = System.nanoTime();
                RegionIndex index = Regions.bundled();
                long t1 = System.nanoTime();
                // the anchor in the same JVM: the cities' snapshot, the other thing the service loads at start
                int cities = meridian.core.refs.ReferenceSetReader.bundled().size();
                long t2 = System.nanoTime();
                System.out.printf(
                        Locale.ROOT,
                        "load_ms %.1f%nunits %d%nindex_bytes %d%ncities_snapshot_load_ms %.1f (%d places)%n",
                        (t1 - t0) / 1e6,
                        index.size(),
                        index.memoryBytes(),
                        (t2 - t1) / 1e6,
                        cities);
            }
            case "export" -> export(Path.of(args[1]));
            case "time" -> time(args[1], Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException("load | export DIR | time KIND N");
        }
    }

    private static void export(Path dir) throws IOException {
        Files.createDirectories(dir);
        RegionIndex index = Regions.bundled();
        try (var out = new PrintWriter(Files.newBufferedWriter(dir.resolve("rings.tsv"), StandardCharsets.UTF_8))) {
            for (int r = 0; r < index.ringCount(); r++) {
                double[][] ring = index.ring(r);
                var wkt = new StringBuilder("LINESTRING(");
                for (int i = 0; i < ring[0].length; i++) {
                    wkt.append(i == 0 ? "" : ",").append(ring[0][i]).append(' ').append(ring[1][i]);
                }
                out.println(index.ringUnit(r) + "\t" + r + "\t" + wkt.append(')'));
            }
        }
        RegionLocator locator = index.locator();
        try (var out = new PrintWriter(Files.newBufferedWriter(dir.resolve("points.csv"), StandardCharsets.US_ASCII))) {
            for (String kind : new String[] {"uniform", "cities", "near_cities"}) {
                double[][] q = RegionBenchmark.regionWorkload(kind, 42);
                for (int i = 0; i < q[0].length; i++) {
                    out.println(kind + "," + i + "," + q[0][i] + "," + q[1][i] + ","
                            + locator.containing(q[0][i], q[1][i]));
                }
            }
        }
    }

    private static void time(String kind, int n) {
        double[][] q = RegionBenchmark.regionWorkload(kind, 42);
        n = Math.min(n, q[0].length);
        RegionLocator locator = Regions.bundled().locator();
        double best = Double.POSITIVE_INFINITY;
        long sink = 0;
        for (int pass = 0; pass < 8; pass++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += locator.containing(q[0][i], q[1][i]);
            }
            long ns = System.nanoTime() - t0;
            if (pass >= 3) {
                best = Math.min(best, ns);
            }
        }
        System.out.printf(Locale.ROOT, "%s %d points: %.0f lookups/s (checksum %d)%n", kind, n, n / (best / 1e9), sink);
    }
}
