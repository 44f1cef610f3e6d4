package meridian.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import meridian.core.csv.CsvParser;
import meridian.core.refs.ErrorPolicy;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code meridian process} against a brute-force twin: 20,000 random and edge-case queries (uniform on the
 * sphere, the poles, the antimeridian from both sides, exact place coordinates, coordinates shared by
 * several places) go through the command as a CSV file, and every output row is checked against an
 * exhaustive haversine search written here. Ties: the reported place must be at the minimum distance.
 * The seed is printed; rerun with {@code -Dmeridian.seed=...}.
 */
@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
class NearestAgainstBruteForceTest {
    private static final int QUERIES = 20_000;
    private static final double R = 6371.0;

    @TempDir
    Path dir;

    @Test
    void bundledCities() throws IOException {
        check(ReferenceSetReader.bundled(), null, "cities");
    }

    @Test
    void airports() throws IOException {
        Path file = Cli.projectRoot().resolve("testdata/airports.csv");
        check(ReferenceSetReader.load(file, ErrorPolicy.FAIL_FAST).set(), file, "airports");
    }

    @Test
    void kNearestWithRadiusOnAirports() throws IOException {
        Path file = Cli.projectRoot().resolve("testdata/airports.csv");
        ReferenceSet refs = ReferenceSetReader.load(file, ErrorPolicy.FAIL_FAST).set();
        long seed = seed();
        System.out.println("k-nearest check on airports, seed " + seed);
        double[][] q = queries(refs, 2_000, new Random(seed));
        Path in = writeQueries(q);
        Path out = dir.resolve("out.csv");
        int k = 5;
        double maxKm = 500;
        var r = Cli.run(
                "process",
                in.toString(),
                "--refs",
                file.toString(),
                "--out",
                out.toString(),
                "-k",
                "5",
                "--max-km",
                "500",
                "-q");
        assertThat(r.code()).as(r.err()).isZero();
        Map<String, Integer> pos = positions(refs);
        int rows = 0;
        try (var parser = new CsvParser(Files.newBufferedReader(out), out.toString())) {
            assertThat(parser.next()).isTrue();
            assertThat(parser.fields()).hasSize(3 + 3 * k);
            while (parser.next()) {
                List<String> f = parser.fields();
                int id = Integer.parseInt(f.get(0));
                double[] all = allDistances(refs, q[id][0], q[id][1]);
                double[] sorted = all.clone();
                java.util.Arrays.sort(sorted);
                int expected = 0;
                while (expected < k && sorted[expected] <= maxKm) {
                    expected++;
                }
                for (int j = 0; j < k; j++) {
                    String placeId = f.get(3 + 3 * j);
                    if (j >= expected) {
                        // the boundary itself may fall either way by an ulp
                        if (!placeId.isEmpty()) {
                            assertThat(sorted[j]).isCloseTo(maxKm, org.assertj.core.data.Offset.offset(1e-9));
                        }
                        continue;
                    }
                    assertThat(placeId).as("row %d neighbour %d", id, j).isNotEmpty();
                    double reported = Double.parseDouble(f.get(5 + 3 * j));
                    assertThat(Math.abs(reported - sorted[j]))
                            .as("row %d neighbour %d", id, j)
                            .isLessThanOrEqualTo(1e-9);
                    assertThat(Math.abs(all[pos.get(placeId)] - reported)).isLessThanOrEqualTo(1e-9);
                }
                rows++;
            }
        }
        assertThat(rows).isEqualTo(q.length);
    }

    private void check(ReferenceSet refs, Path file, String label) throws IOException {
        long seed = seed();
        System.out.println("brute-force check on " + label + " (" + refs.size() + " places), " + QUERIES
                + " queries, seed " + seed);
        double[][] q = queries(refs, QUERIES, new Random(seed));
        Path in = writeQueries(q);
        Path out = dir.resolve("out.csv");
        var args = new ArrayList<>(List.of("process", in.toString(), "--out", out.toString(), "-q"));
        if (file != null) {
            args.addAll(List.of("--refs", file.toString()));
        }
        var r = Cli.run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();

        String[] reportedId = new String[q.length];
        String[] reportedName = new String[q.length];
        double[] reportedKm = new double[q.length];
        try (var parser = new CsvParser(Files.newBufferedReader(out), out.toString())) {
            assertThat(parser.next()).isTrue();
            assertThat(parser.fields())
                    .containsExactly("id", "lat", "lon", "nearest_id", "nearest_name", "distance_km");
            int rows = 0;
            while (parser.next()) {
                List<String> f = parser.fields();
                int id = Integer.parseInt(f.get(0));
                assertThat(Double.parseDouble(f.get(1))).isEqualTo(q[id][0]);
                assertThat(Double.parseDouble(f.get(2))).isEqualTo(q[id][1]);
                assertThat(f.get(5)).matches("\\d+\\.\\d{6,}");
                reportedId[id] = f.get(3);
                reportedName[id] = f.get(4);
                reportedKm[id] = Double.parseDouble(f.get(5));
                rows++;
            }
            assertThat(rows).isEqualTo(q.length);
        }

        Map<String, Integer> pos = positions(refs);
        double[] lat = new double[refs.size()], lon = new double[refs.size()];
        for (int i = 0; i < refs.size(); i++) {
            lat[i] = refs.lat(i);
            lon[i] = refs.lon(i);
        }
        double[][] unit = unitVectors(refs);
        int[] brute = new int[q.length];
        IntStream.range(0, q.length).parallel().forEach(i -> brute[i] = bruteForce(lat, lon, unit, q[i][0], q[i][1]));

        int ties = 0;
        for (int i = 0; i < q.length; i++) {
            double bruteKm = haversine(q[i][0], q[i][1], lat[brute[i]], lon[brute[i]]);
            Integer p = pos.get(reportedId[i]);
            assertThat(p).as("query %d: unknown place id %s", i, reportedId[i]).isNotNull();
            assertThat(reportedName[i]).isEqualTo(refs.placeName(p));
            double toReported = haversine(q[i][0], q[i][1], refs.lat(p), refs.lon(p));
            assertThat(Math.abs(reportedKm[i] - toReported))
                    .as("query %d (%s, %s): printed distance vs distance to %s", i, q[i][0], q[i][1], reportedId[i])
                    .isLessThanOrEqualTo(1e-9);
            assertThat(Math.abs(toReported - bruteKm))
                    .as(
                            "query %d (%s, %s): reported %s at %s km, brute force %s at %s km (seed %d)",
                            i, q[i][0], q[i][1], reportedId[i], toReported, refs.id(brute[i]), bruteKm, seed)
                    .isLessThanOrEqualTo(1e-9);
            if (p != brute[i]) {
                ties++; // another place at the same distance (within 1e-9 km)
            }
        }
        System.out.println(label + ": all " + q.length + " rows match brute force (" + ties
                + " ties resolved to another place at the same distance)");
    }

    /**
     * Exhaustive nearest: every place whose squared chord (cheap, and exact near zero) is within rounding
     * of the smallest is a candidate; the smallest haversine distance among them wins. Returns its position.
     */
    private static int bruteForce(double[] lat, double[] lon, double[][] unit, double qLat, double qLon) {
        double phi = Math.toRadians(qLat), lambda = Math.toRadians(qLon);
        double qx = Math.cos(phi) * Math.cos(lambda), qy = Math.cos(phi) * Math.sin(lambda), qz = Math.sin(phi);
        double[] ux = unit[0], uy = unit[1], uz = unit[2];
        int n = ux.length;
        double min = Double.POSITIVE_INFINITY;
        int[] candidates = new int[64];
        int count = 0;
        for (int i = 0; i < n; i++) {
            double dx = ux[i] - qx, dy = uy[i] - qy, dz = uz[i] - qz;
            double d = dx * dx + dy * dy + dz * dz;
            if (d <= min * (1 + 1e-9) + 1e-18) {
                min = Math.min(min, d);
                if (count == candidates.length) {
                    candidates = java.util.Arrays.copyOf(candidates, count * 2);
                }
                candidates[count++] = i;
            }
        }
        double window = min * (1 + 1e-9) + 1e-18;
        int best = -1;
        double bestKm = Double.POSITIVE_INFINITY;
        for (int c = 0; c < count; c++) {
            int i = candidates[c];
            double dx = ux[i] - qx, dy = uy[i] - qy, dz = uz[i] - qz;
            if (dx * dx + dy * dy + dz * dz <= window) {
                double km = haversine(qLat, qLon, lat[i], lon[i]);
                if (km < bestKm) {
                    bestKm = km;
                    best = i;
                }
            }
        }
        return best;
    }

    private static double[] allDistances(ReferenceSet refs, double lat, double lon) {
        double[] d = new double[refs.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = haversine(lat, lon, refs.lat(i), refs.lon(i));
        }
        return d;
    }

    /** Haversine in km on a sphere of radius 6371 km, written out independently of core. */
    static double haversine(double lat1, double lon1, double lat2, double lon2) {
        double dLat = Math.toRadians(lat2 - lat1);
        double dLon = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dLat / 2) * Math.sin(dLat / 2)
                + Math.cos(Math.toRadians(lat1))
                        * Math.cos(Math.toRadians(lat2))
                        * Math.sin(dLon / 2)
                        * Math.sin(dLon / 2);
        return 2 * R * Math.asin(Math.sqrt(a));
    }

    private static double[][] unitVectors(ReferenceSet refs) {
        double[][] u = new double[3][refs.size()];
        for (int i = 0; i < refs.size(); i++) {
            double phi = Math.toRadians(refs.lat(i)), lambda = Math.toRadians(refs.lon(i));
            u[0][i] = Math.cos(phi) * Math.cos(lambda);
            u[1][i] = Math.cos(phi) * Math.sin(lambda);
            u[2][i] = Math.sin(phi);
        }
        return u;
    }

    private static Map<String, Integer> positions(ReferenceSet refs) {
        Map<String, Integer> pos = new HashMap<>(refs.size() * 2);
        for (int i = 0; i < refs.size(); i++) {
            pos.put(refs.id(i), i);
        }
        return pos;
    }

    private static long seed() {
        return Seeds.seed();
    }

    /** Random and edge-case query points: [lat, lon] each. */
    static double[][] queries(ReferenceSet refs, int n, Random rnd) {
        List<double[]> q = new ArrayList<>(n);
        // coordinates shared by two or more places: the nearest is a tie at distance 0
        Map<Long, Integer> seen = new HashMap<>();
        List<double[]> shared = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
            long key = Double.doubleToLongBits(refs.lat(i)) * 31 + Double.doubleToLongBits(refs.lon(i));
            if (seen.merge(key, 1, Integer::sum) == 2) {
                shared.add(new double[] {refs.lat(i), refs.lon(i)});
            }
        }
        for (int i = 0; i < Math.min(shared.size(), n / 20); i++) {
            q.add(shared.get(i));
        }
        for (double lat : new double[] {90, -90}) {
            for (double lon : new double[] {-180, 180, 0, 90, -90, 45.5}) {
                q.add(new double[] {lat, lon});
            }
        }
        for (int i = 0; i < n / 50; i++) {
            double lat = rnd.nextBoolean() ? 90 - rnd.nextDouble() * 1e-3 : -90 + rnd.nextDouble() * 1e-3;
            q.add(new double[] {lat, rnd.nextDouble() * 360 - 180});
        }
        for (int i = 0; i < n / 20; i++) {
            double lat = rnd.nextDouble() * 180 - 90;
            q.add(new double[] {lat, 180});
            q.add(new double[] {lat, -180});
            q.add(new double[] {lat, rnd.nextBoolean() ? 180 - rnd.nextDouble() * 1e-6 : -180 + rnd.nextDouble() * 1e-6
            });
        }
        for (int i = 0; i < n / 10; i++) {
            int p = rnd.nextInt(refs.size());
            q.add(new double[] {refs.lat(p), refs.lon(p)});
        }
        for (int i = 0; i < n / 10; i++) {
            int p = rnd.nextInt(refs.size());
            double lat = Math.clamp(refs.lat(p) + rnd.nextGaussian() * 0.01, -90, 90);
            double lon = Math.clamp(refs.lon(p) + rnd.nextGaussian() * 0.01, -180, 180);
            q.add(new double[] {lat, lon});
        }
        while (q.size() < n) {
            double z = rnd.nextDouble() * 2 - 1;
            q.add(new double[] {Math.toDegrees(Math.asin(z)), rnd.nextDouble() * 360 - 180});
        }
        return q.subList(0, n).toArray(double[][]::new);
    }

    private Path writeQueries(double[][] q) throws IOException {
        Path in = dir.resolve("queries.csv");
        try (BufferedWriter w = Files.newBufferedWriter(in, StandardCharsets.UTF_8)) {
            w.write("id,lat,lon\n");
            for (int i = 0; i < q.length; i++) {
                w.write(i + "," + q[i][0] + "," + q[i][1] + "\n");
            }
        }
        return in;
    }
}
