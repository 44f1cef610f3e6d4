package meridian.cli.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import meridian.cli.io.BadRows;
import meridian.cli.io.BlockPipeline;
import meridian.core.aggregate.Aggregator;
import meridian.core.error.InvalidInputException;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The block path of {@code aggregate} on NDJSON (lines read on the workers, {@link NdjsonBlock}) against its twin,
 * the line-by-line reader ({@link EventReader.Ndjson#fill}, one thread), on random files: usual events and unusual
 * ones (escapes, nested members, numbers as keys and timestamps, a point given twice), blank lines, {@code \r\n}
 * line ends, lines that are not JSON or not events. The rollups, the first bad line's message and the skipped
 * lines' list must be the same, for any block size and thread count.
 */
@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
class NdjsonBlockTest {
    @Test
    void blocksGiveWhatTheLineReaderGives() {
        var rnd = new Random(Seeds.seed());
        for (int round = 0; round < 40; round++) {
            String ndjson = randomFile(rnd, 1 + rnd.nextInt(5000), round % 3 != 0);
            boolean skip = round % 2 == 0;
            int threads = 1 + rnd.nextInt(3);
            String why = "round " + round + (skip ? " skipping" : "") + ", threads " + threads;
            assertThat(viaBlocks(ndjson, threads, skip)).as(why).isEqualTo(viaLines(ndjson, skip));
        }
    }

    private static String viaLines(String ndjson, boolean skip) {
        var bad = new BadRows("t.ndjson", skip);
        try {
            var fa = new FileAggregation(null, null, 1, 1);
            var total = new Aggregator();
            try (var r = new EventReader.Ndjson(
                    new InputStreamReader(new ByteArrayInputStream(bytes(ndjson)), StandardCharsets.UTF_8),
                    "t.ndjson",
                    "user_id")) {
                r.skipping(bad);
                var c = new EventChunk(1 << 20);
                while (r.fill(c)) {
                    fa.fold(total, null, null, c, false);
                    c.clear();
                }
            }
            return EventBlockTest.text(total) + bad.count() + " skipped: " + bad.first();
        } catch (InvalidInputException e) {
            return "error: " + e.getMessage();
        }
    }

    private static String viaBlocks(String ndjson, int threads, boolean skip) {
        var bad = new BadRows("t.ndjson", skip);
        ExecutorService pool = BlockPipeline.workers(threads);
        try {
            var total = new FileAggregation(null, pool, threads, 1000)
                    .aggregate(new ByteArrayInputStream(bytes(ndjson)), "t.ndjson", "user_id", bad);
            return EventBlockTest.text(total) + bad.count() + " skipped: " + bad.first();
        } catch (InvalidInputException e) {
            return "error: " + e.getMessage();
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String randomFile(Random rnd, int lines, boolean withBad) {
        var sb = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            if (rnd.nextInt(40) == 0) {
                sb.append(rnd.nextBoolean() ? "\n" : "  \r\n"); // a blank line
            }
            String value = String.format(Locale.ROOT, "%.3f", rnd.nextGaussian() * 100);
            String ts = rnd.nextBoolean() ? "\"2023-11-14T22:" + (10 + rnd.nextInt(50)) + ":00Z\"" : "1700000" + i;
            String key = "\"u" + rnd.nextInt(60) + "\"";
            String line =
                    switch (rnd.nextInt(14)) {
                        case 0 ->
                            "{\"user_id\":\"u\\u0031" + rnd.nextInt(9) + "\",\"value\":" + value + ",\"ts\":" + ts
                                    + "}";
                        case 1 ->
                            "{\"user_id\":" + key + ",\"value\":" + value + ",\"ts\":" + ts
                                    + ",\"tags\":[1,{\"a\":2}]}";
                        case 2 -> "{\"user_id\":" + rnd.nextInt(5) + ",\"value\":" + value + ",\"ts\":" + ts + "}";
                        case 3 -> "{\"user_id\":" + key + ",\"value\":" + value + ",\"ts\":1.7e9,\"id\":" + i + "}";
                        case 4 ->
                            "{\"point\":{\"lat\":1},\"user_id\":" + key + ",\"point\":5,\"value\":" + value + ",\"ts\":"
                                    + ts + "}";
                        default ->
                            "{\"id\":" + i + ",\"user_id\":" + key + ",\"value\":" + value + ", \"ts\":" + ts + "}";
                    };
            if (withBad && rnd.nextInt(300) == 0) {
                line = switch (rnd.nextInt(5)) {
                    case 0 -> "not json";
                    case 1 -> "[1,2]";
                    case 2 -> "{\"user_id\":" + key + ",\"value\":\"five\",\"ts\":" + ts + "}";
                    case 3 -> "{\"user_id\":" + key + ",\"value\":1,\"ts\":\"yesterday\"}";
                    default -> "{\"user_id\":" + key + ",\"value\":1,";
                };
            }
            sb.append(line).append(rnd.nextInt(5) == 0 ? "\r\n" : "\n");
        }
        return sb.toString();
    }
}
