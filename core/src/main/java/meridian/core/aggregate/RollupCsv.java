package meridian.core.aggregate;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import meridian.core.exec.ParallelRun;
import meridian.core.text.Ascii;
import meridian.core.text.ByteSink;

/**
 * Writes rollups as CSV, one row per key in key order: the key column, then {@link #COLUMNS}. Numbers are
 * written in plain decimal, shortest form that reads back to the same double; empty fields for "none"
 * (no place).
 */
public final class RollupCsv {
    public static final String COLUMNS =
            "count,sum,min,max,mean,first_ts,last_ts,last_place_id,last_place_name,last_place_km,stddev";

    private RollupCsv() {}

    /** Keys formatted by one task, into a buffer of their own. */
    private static final int SLICE = 4096;

    /**
     * Writes the rows of {@code aggregator} to {@code out} (not closed, flushed), formatted on {@code threads}
     * threads (the caller and {@code threads - 1} of {@code pool}'s workers; {@code pool} may be null when
     * {@code threads} is 1) in waves of {@code threads} slices of {@link #SLICE} keys, each wave written in key
     * order before the next is formatted, so that the text held at once stays bounded whatever the number of
     * keys. The write runs once, at the end, over every key: on one thread the 50,000 rollups of a 1 M-event
     * file took 176 ms of a ~1 s run (CPU profile), most of it in code not yet compiled.
     */
    public static void write(
            Aggregator aggregator, String keyColumn, OutputStream out, ExecutorService pool, int threads) {
        List<String> keys = aggregator.sortedKeys();
        int tasks = pool == null ? 1 : Math.max(1, Math.min(threads, (keys.size() + SLICE - 1) / SLICE));
        ByteSink[] slices = new ByteSink[tasks];
        for (int i = 0; i < tasks; i++) {
            slices[i] = new ByteSink(null);
        }
        try {
            out.write(utf8(field(keyColumn) + "," + COLUMNS + "\n"));
            for (int from = 0; from < keys.size(); from += tasks * SLICE) {
                int wave = from;
                int n = Math.min(keys.size() - from, tasks * SLICE);
                ParallelRun.Kernel format = (a, b) -> {
                    ByteSink sink = slices[a / SLICE];
                    for (int i = wave + a; i < wave + b; i++) {
                        row(sink, keys.get(i), aggregator.get(keys.get(i)));
                    }
                };
                try (ParallelRun run = ParallelRun.start(n, SLICE, tasks - 1, pool, format)) {
                    run.help();
                    run.join();
                }
                for (ByteSink slice : slices) {
                    slice.target(out);
                    slice.drain();
                    slice.target(null);
                }
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * One rollup's row. The key, the count and the numbers are written into {@code out} as they are encoded,
     * with no string or array made for them (the timestamps and place names still are): 50,000 rollups made
     * some 400,000 of them at the end of the run, which the heap grew for. 1 M events over 50,000 keys, five
     * alternated pairs: peak RSS 117-120 MB against 149-151 MB ({@code --no-places}), 198-202 MB against
     * 217-219 MB (cities); time within the noise (BENCHMARKS.md).
     */
    private static void row(ByteSink out, String key, UserAggregate a) {
        putField(out, key);
        out.put((byte) ',');
        out.putLong(a.count());
        out.put((byte) ',');
        putNumber(out, a.sum());
        out.put((byte) ',');
        putNumber(out, a.min());
        out.put((byte) ',');
        putNumber(out, a.max());
        out.put((byte) ',');
        putNumber(out, a.mean());
        out.put((byte) ',');
        putField(out, a.firstTs());
        out.put((byte) ',');
        putField(out, a.lastTs());
        out.put((byte) ',');
        putField(out, a.lastPlaceId());
        out.put((byte) ',');
        putField(out, a.lastPlaceName());
        out.put((byte) ',');
        putNumber(out, a.lastPlaceKm());
        out.put((byte) ',');
        putNumber(out, a.stddev());
        out.put((byte) '\n');
    }

    /** {@link #field} of {@code s} in UTF-8; an ASCII value that needs no quotes is copied char by char. */
    @SuppressWarnings("StringEquality") // field() gives s itself back when it needs no quotes
    private static void putField(ByteSink out, String s) {
        if (s == null) {
            return;
        }
        String f = field(s);
        if (f == s && Ascii.isAscii(s)) {
            out.putAscii(s);
        } else {
            out.put(utf8(f));
        }
    }

    /** {@link #number} of {@code v}, written as {@link Double#toString} would where the two agree. */
    static void putNumber(ByteSink out, double v) {
        if (Double.isNaN(v)) {
            return;
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            out.putLong((long) v);
            return;
        }
        double abs = Math.abs(v);
        if (abs >= 1e-3 && abs < 1e7) {
            out.putDouble(v); // Double.toString's characters, as number() returns them in this range
            return;
        }
        out.putAscii(number(v));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String number(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        double abs = Math.abs(v);
        if (abs >= 1e-3 && abs < 1e7) {
            // Double.toString writes plain notation in this range, and BigDecimal.valueOf(v) is that text
            // read back with its scale, so toPlainString would give the same characters: 4-5 numbers of each
            // of the 50,000 rollups skip a BigDecimal (RollupCsv.write was ~7% of `aggregate`'s CPU)
            return Double.toString(v);
        }
        if (abs >= 1e-4 && abs < 1e15) {
            return BigDecimal.valueOf(v).toPlainString();
        }
        return Double.toString(v);
    }

    /** RFC 4180: quoted when it holds a comma, quote or line break; {@code s} itself when it needs no quotes. */
    static String field(String s) {
        if (s == null) {
            return "";
        }
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
