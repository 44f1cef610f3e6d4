package meridian.cli.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import meridian.cli.io.BlockPipeline;
import meridian.core.aggregate.Aggregator;
import meridian.core.aggregate.RollupCsv;
import meridian.core.error.InvalidInputException;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The block-scanning CSV path of {@code aggregate} against its twin, the row-by-row path through core's
 * CSV parser ({@link EventReader.Csv}, one chunk, one thread), on random files full of the rows the fast
 * path hands over: quoted fields (commas, doubled quotes, line breaks inside), CRLF and lone CR line ends,
 * blank lines, numbers with spaces, exponents or Java suffixes, epoch and ISO timestamps, non-ASCII keys,
 * and a bad row somewhere. Output text and error messages must be the same.
 */
@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
class EventBlockTest {
    @Test
    void blocksGiveWhatTheParserGivesOnRandomFiles() throws Exception {
        long seed = Seeds.seed();
        var rnd = new Random(seed);
        for (int round = 0; round < 60; round++) {
            boolean withBad = round % 3 == 2;
            String csv = randomFile(rnd, 1 + rnd.nextInt(3000), withBad);
            String why = "seed " + seed + " round " + round;
            Object want = viaParser(csv);
            int chunk = 1 + rnd.nextInt(700);
            int threads = 1 + rnd.nextInt(3);
            Object got = viaBlocks(csv, chunk, threads);
            assertThat(got).as(why + " chunk " + chunk + " threads " + threads).isEqualTo(want);
        }
    }

    private static Object viaParser(String csv) {
        try {
            var fa = new FileAggregation(null, null, 1, 1);
            var total = new Aggregator();
            try (var r = EventReader.open(
                    new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "t.csv", "user_id")) {
                var c = new EventChunk(1 << 20);
                while (r.fill(c)) {
                    fa.fold(total, null, null, c, false);
                    c.clear();
                }
            }
            return text(total);
        } catch (InvalidInputException e) {
            return "error: " + e.getMessage();
        }
    }

    private static Object viaBlocks(String csv, int chunk, int threads) {
        ExecutorService pool = BlockPipeline.workers(threads);
        try {
            var total = new FileAggregation(null, pool, threads, chunk)
                    .aggregate(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "t.csv", "user_id");
            return text(total);
        } catch (InvalidInputException e) {
            return "error: " + e.getMessage();
        } finally {
            pool.shutdownNow();
        }
    }

    /** The rollups' CSV, as {@code aggregate} writes them. */
    static String text(Aggregator a) {
        var out = new ByteArrayOutputStream();
        ExecutorService pool = BlockPipeline.workers(2);
        try {
            RollupCsv.write(a, "user_id", out, pool, 2);
        } finally {
            pool.shutdownNow();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String randomFile(Random rnd, int rows, boolean withBad) {
        var sb = new StringBuilder();
        boolean withId = rnd.nextBoolean();
        sb.append(withId ? "id,user_id,lat,lon,value,ts" : "user_id,lat,lon,value,ts,note")
                .append('\n');
        int bad = withBad ? rnd.nextInt(rows) : -1;
        String[] ends = {"\n", "\n", "\n", "\r\n", "\r"};
        for (int i = 0; i < rows; i++) {
            if (rnd.nextInt(50) == 0) {
                sb.append(rnd.nextBoolean() ? "\n" : "\r\n"); // a blank line
            }
            String key = key(rnd);
            String lat = number(rnd, rnd.nextDouble() * 180 - 90);
            String lon = number(rnd, rnd.nextDouble() * 360 - 180);
            String value = number(rnd, rnd.nextGaussian() * 100);
            String ts = ts(rnd, i);
            if (i == bad) {
                switch (rnd.nextInt(5)) {
                    case 0 -> value = "five";
                    case 1 -> lat = "91";
                    case 2 -> ts = "yesterday";
                    case 3 -> key = "";
                    default -> value = "\"1,5";
                }
            }
            if (withId) {
                sb.append(rnd.nextInt(20) == 0 ? " " + i + " " : Integer.toString(i))
                        .append(',');
            }
            sb.append(String.join(",", key, lat, lon, value, ts));
            if (!withId) {
                sb.append(',').append(rnd.nextInt(10) == 0 ? "\"a\nb\"" : "x");
            }
            if (i < rows - 1 || rnd.nextBoolean()) {
                sb.append(ends[rnd.nextInt(ends.length)]);
            }
        }
        return sb.toString();
    }

    private static String key(Random rnd) {
        int k = rnd.nextInt(40);
        return switch (rnd.nextInt(12)) {
            case 0 -> "\"u" + k + "\"";
            case 1 -> "\"u," + k + "\"";
            case 2 -> "\"u\"\"" + k + "\"";
            case 3 -> "ü" + k;
            default -> "u" + k;
        };
    }

    /** Plain decimals mostly; now and then spaces, an exponent, a Java suffix, full precision or quotes. */
    private static final String[] NUMBER_FORMATS = {" %.4f", "%.3e", "%.2fd", "\"%.5f\""};

    private static String number(Random rnd, double v) {
        int f = rnd.nextInt(14);
        if (f == 4) {
            return Double.toString(v);
        }
        return String.format(Locale.ROOT, f < NUMBER_FORMATS.length ? NUMBER_FORMATS[f] : "%.6f", v);
    }

    private static String ts(Random rnd, int i) {
        long t = 1_700_000_000L + rnd.nextInt(100_000);
        return switch (rnd.nextInt(5)) {
            case 0 -> Long.toString(t);
            case 1 -> Long.toString(t * 1000 + rnd.nextInt(1000));
            case 2 -> java.time.Instant.ofEpochSecond(t) + ""; // a plain form, kept as a mark
            case 3 -> java.time.Instant.ofEpochSecond(t).toString().replace("Z", ""); // the other plain form
            default -> java.time.Instant.ofEpochSecond(t).toString().replace("Z", "+02:00");
        };
    }
}
