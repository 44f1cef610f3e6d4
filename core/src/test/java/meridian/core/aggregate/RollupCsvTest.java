package meridian.core.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import meridian.core.text.ByteSink;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
class RollupCsvTest {
    /**
     * {@link RollupCsv#number} against its twin, the BigDecimal form it used for every non-integer value, and the
     * bytes the rows are written with ({@link RollupCsv#putNumber}) against {@code number}.
     */
    @Test
    void numbersMatchThePlainDecimalForm() {
        long seed = Seeds.seed();
        var rnd = new Random(seed);
        for (int i = 0; i < 200_000; i++) {
            double v =
                    switch (i % 3) {
                        case 0 -> (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(24) - 8);
                        case 1 -> Math.round(rnd.nextDouble() * 1e7) / Math.pow(10, rnd.nextInt(9));
                        default -> Double.longBitsToDouble(rnd.nextLong());
                    };
            assertThat(RollupCsv.number(v)).as("%s, seed %d", v, seed).isEqualTo(twin(v));
            assertThat(written(v)).as("%s, seed %d", v, seed).isEqualTo(twin(v));
        }
        for (double v : new double[] {
            1e-3,
            -1e-3,
            9.999999999999998E-4,
            1e7,
            9999999.999999998,
            0.5,
            -0.0,
            1e15,
            -1e15,
            999999999999999.0,
            Long.MAX_VALUE,
            Long.MIN_VALUE,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            -7,
            0
        }) {
            assertThat(RollupCsv.number(v)).as("%s", v).isEqualTo(twin(v));
            assertThat(written(v)).as("%s", v).isEqualTo(twin(v));
        }
    }

    /**
     * The rows written by several threads in waves of slices are those of one row after another in key order,
     * with keys and names that need quoting or are not ASCII, for more keys than one wave holds.
     */
    @Test
    void rowsWrittenInParallelAreTheRowsInKeyOrder() {
        long seed = Seeds.seed();
        var rnd = new Random(seed);
        var agg = new Aggregator();
        String[] odd = {"a,b", "q\"uote", "São Paulo", "line\nbreak", "東京", "plain"};
        int keys = 30_000 + rnd.nextInt(10_000);
        for (int e = 0; e < 3 * keys; e++) {
            String key = "u" + rnd.nextInt(keys) + (rnd.nextInt(50) == 0 ? odd[rnd.nextInt(odd.length)] : "");
            boolean place = rnd.nextBoolean();
            agg.add(
                    key,
                    e,
                    (rnd.nextDouble() - 0.3) * 1e4,
                    1_700_000_000_000_000L + e,
                    "2026-01-01T00:00:00Z",
                    place ? "p" + rnd.nextInt(9) : null,
                    place ? odd[rnd.nextInt(odd.length)] : null,
                    place ? rnd.nextDouble() * 100 : Double.NaN);
        }
        List<String> sorted = new ArrayList<>(agg.sortedKeys());
        var expected = new StringBuilder("user_id," + RollupCsv.COLUMNS + "\n");
        for (String k : sorted) {
            UserAggregate a = agg.get(k);
            expected.append(String.join(
                            ",",
                            RollupCsv.field(k),
                            Long.toString(a.count()),
                            RollupCsv.number(a.sum()),
                            RollupCsv.number(a.min()),
                            RollupCsv.number(a.max()),
                            RollupCsv.number(a.mean()),
                            RollupCsv.field(a.firstTs()),
                            RollupCsv.field(a.lastTs()),
                            RollupCsv.field(a.lastPlaceId()),
                            RollupCsv.field(a.lastPlaceName()),
                            RollupCsv.number(a.lastPlaceKm()),
                            RollupCsv.number(a.stddev())))
                    .append('\n');
        }
        for (int threads : new int[] {1, 2, 3, 8}) {
            var out = new ByteArrayOutputStream();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                RollupCsv.write(agg, "user_id", out, pool, threads);
            } finally {
                pool.shutdownNow();
            }
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .as("%d threads, %d keys, seed %d", threads, sorted.size(), seed)
                    .isEqualTo(expected.toString());
        }
    }

    /** No key, no row: the header alone. */
    @Test
    void noKeysWriteTheHeaderAlone() {
        var out = new ByteArrayOutputStream();
        RollupCsv.write(new Aggregator(), "who", out, null, 1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("who," + RollupCsv.COLUMNS + "\n");
    }

    private static String written(double v) {
        var sink = new ByteSink(null);
        RollupCsv.putNumber(sink, v);
        return new String(sink.array(), 0, sink.size(), StandardCharsets.US_ASCII);
    }

    private static String twin(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        double abs = Math.abs(v);
        if (abs >= 1e-4 && abs < 1e15) {
            return BigDecimal.valueOf(v).toPlainString();
        }
        return Double.toString(v);
    }
}
