package meridian.cli;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import meridian.cli.io.Format;
import meridian.core.refs.ReferenceSet;

/**
 * Made-up input for the run that records a batch command's ahead-of-time cache ({@code process}, {@code
 * aggregate}): after the user's own input, when it held fewer rows than these, that run goes on over them with the
 * output discarded, so that the cache holds the compiles of the hot loops whatever the first file was. The later
 * runs compile what the cache holds as soon as their classes are ready (the launcher's
 * {@code -XX:+AOTCompileEagerly}), and a cache recorded
 * by a 10-row first run left later 1 M-row runs of {@code process} at 0.99-1.14 s against 0.75-0.96 s with one
 * recorded by a 200,000-row run; a first file that large trains the cache on the user's own data, which is better
 * still for that data than these rows (BENCHMARKS.md).
 *
 * <p>The points lie near the reference set's places (a place drawn at random, moved by ~10 km), as real points
 * mostly do; uniform on the sphere when there is no set. Drawn from a fixed seed: the same rows every time.
 */
final class TrainingRows {
    /** Rows of training: enough for the JIT to compile each per-row and per-block loop at its top tier. */
    static final int ROWS = 200_000;

    /** The key column of {@link #events}. */
    static final String KEY = "user_id";

    private TrainingRows() {}

    /** {@code id,lat,lon} rows (CSV with its header, NDJSON, or a JSON array, as {@code format} says). */
    static byte[] points(ReferenceSet places, Format format) {
        var rnd = new Random(42);
        var b = new StringBuilder(ROWS * 48);
        if (format == Format.CSV) {
            b.append("id,lat,lon\n");
        } else if (format == Format.JSON) {
            b.append('[');
        }
        double[] p = new double[2];
        for (int i = 0; i < ROWS; i++) {
            point(places, rnd, p);
            if (format == Format.CSV) {
                b.append(i).append(',');
                decimal(b, p[0]).append(',');
                decimal(b, p[1]).append('\n');
            } else {
                if (format == Format.JSON && i > 0) {
                    b.append(',');
                }
                b.append("{\"id\":").append(i).append(",\"lat\":");
                decimal(b, p[0]).append(",\"lon\":");
                decimal(b, p[1]).append('}');
                if (format == Format.NDJSON) {
                    b.append('\n');
                }
            }
        }
        if (format == Format.JSON) {
            b.append("]\n");
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code user_id,lat,lon,value,ts} events over 5,000 keys, a second apart, timestamps in ISO-8601. */
    static byte[] events(ReferenceSet places) {
        var rnd = new Random(42);
        var b = new StringBuilder(ROWS * 64).append(KEY).append(",lat,lon,value,ts\n");
        double[] p = new double[2];
        long start = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
        for (int i = 0; i < ROWS; i++) {
            point(places, rnd, p);
            b.append('u').append(rnd.nextInt(5_000)).append(',');
            decimal(b, p[0]).append(',');
            decimal(b, p[1]).append(',');
            decimal(b, rnd.nextDouble() * 1_000).append(',');
            b.append(Instant.ofEpochSecond(start + i)).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void point(ReferenceSet places, Random rnd, double[] p) {
        double lat;
        double lon;
        if (places == null || places.size() == 0) {
            lat = Math.toDegrees(Math.asin(2 * rnd.nextDouble() - 1));
            lon = 360 * rnd.nextDouble() - 180;
        } else {
            int at = rnd.nextInt(places.size());
            lat = places.lat(at) + rnd.nextGaussian() * 0.09;
            lon = places.lon(at) + rnd.nextGaussian() * 0.09;
        }
        p[0] = Math.max(-90, Math.min(90, lat));
        p[1] = lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon;
    }

    /** {@code v} with six decimals, written from its digits (no formatter: the run is cold). */
    private static StringBuilder decimal(StringBuilder b, double v) {
        long micro = Math.round(v * 1e6);
        if (micro < 0) {
            b.append('-');
            micro = -micro;
        }
        b.append(micro / 1_000_000).append('.');
        String fraction = Long.toString(micro % 1_000_000);
        for (int i = fraction.length(); i < 6; i++) {
            b.append('0');
        }
        return b.append(fraction);
    }
}
