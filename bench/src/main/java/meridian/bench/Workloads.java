package meridian.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import meridian.core.enrich.RecordBatch;
import meridian.core.refs.ReferenceSet;
import meridian.testkit.Airports;
import meridian.testkit.TwoCities;

/** The data sets the benchmarks share, defined once so that every benchmark measures the same thing. */
final class Workloads {
    private Workloads() {}

    /** The reference design's two places ({@link TwoCities}). */
    static ReferenceSet sanFranciscoAndLosAngeles() {
        return TwoCities.set();
    }

    /** enrich_10k: id 0..n-1, lat = 35 + id % 10, lon = -120 + id % 5, payload = 64 ones. */
    static RecordBatch enrichRecords(int n) {
        RecordBatch batch = new RecordBatch(n);
        double[] ones = new double[64];
        Arrays.fill(ones, 1.0);
        for (int id = 0; id < n; id++) {
            batch.add(id, 35.0 + id % 10, -120.0 + id % 5, ones, 0, 64);
        }
        return batch;
    }

    /** Points uniform on the sphere (uniform in z and longitude), as {lat[], lon[]}. */
    static double[][] uniformSpherePoints(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] lat = new double[n];
        double[] lon = new double[n];
        for (int i = 0; i < n; i++) {
            lat[i] = Math.toDegrees(Math.asin(2 * r.nextDouble() - 1));
            lon[i] = 360 * r.nextDouble() - 180;
        }
        return new double[][] {lat, lon};
    }

    /**
     * Points near random places of a set, as {lat[], lon[]}: Gaussian jitter of {@code sigmaDegrees} in each
     * direction (what {@code bench/gen_points.sh} does with PLACES, where sigma is 0.09°, about 10 km).
     */
    static double[][] pointsNear(double[] placeLat, double[] placeLon, int n, double sigmaDegrees, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] lat = new double[n];
        double[] lon = new double[n];
        for (int i = 0; i < n; i++) {
            int p = r.nextInt(placeLat.length);
            double radius = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * sigmaDegrees;
            double t = 2 * Math.PI * r.nextDouble();
            double la = placeLat[p] + radius * Math.cos(t);
            double lo = placeLon[p] + radius * Math.sin(t);
            lat[i] = Math.max(-90, Math.min(90, la));
            lon[i] = lo > 180 ? lo - 360 : lo < -180 ? lo + 360 : lo;
        }
        return new double[][] {lat, lon};
    }

    /** The query distributions of the nearest-city benchmarks, in the order they are reported. */
    static final String[] NEAREST_DISTRIBUTIONS = {"uniform", "clustered", "real"};

    /**
     * {@code n} queries of one of {@link #NEAREST_DISTRIBUTIONS}, as {lat[], lon[]}: {@code uniform} on the
     * sphere (70% at sea), {@code clustered} near random places of {@code cities} (0.09°, about 10 km, as
     * {@code bench/gen_points.sh} with the places), {@code real} near the world's airports (0.045°).
     */
    static double[][] nearestQueries(String distribution, ReferenceSet cities, int n) {
        return switch (distribution) {
            case "uniform" -> uniformSpherePoints(n, 42);
            case "clustered" -> {
                double[] lat = new double[cities.size()];
                double[] lon = new double[cities.size()];
                for (int i = 0; i < cities.size(); i++) {
                    lat[i] = cities.lat(i);
                    lon[i] = cities.lon(i);
                }
                yield pointsNear(lat, lon, n, 0.09, 42);
            }
            case "real" -> {
                double[][] airports = airports();
                yield pointsNear(airports[0], airports[1], n, 0.045, 42);
            }
            default -> throw new IllegalArgumentException("unknown distribution " + distribution);
        };
    }

    /**
     * The world's airports ({@link Airports}) as {lat[], lon[]}: a real distribution of where travellers'
     * events happen. {@code -Dmeridian.bench.airports=FILE} reads another {@code lat,lon} CSV instead (gzipped
     * if its name ends in .gz), relative to the directory the benchmark runs in.
     */
    static double[][] airports() {
        String other = System.getProperty("meridian.bench.airports");
        if (other == null) {
            return Airports.latLon();
        }
        Path file = Path.of(other);
        try (var in = Files.newInputStream(file);
                var reader = new BufferedReader(new InputStreamReader(
                        file.toString().endsWith(".gz") ? new GZIPInputStream(in) : in, StandardCharsets.UTF_8))) {
            return Airports.read(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the airports from " + file.toAbsolutePath(), e);
        }
    }
}
