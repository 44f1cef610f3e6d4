package meridian.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import meridian.core.aggregate.Aggregator;
import meridian.core.aggregate.RollupCsv;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./meridian spark process|aggregate} as a user runs them: the launcher starts the embedded local Spark
 * from the shaded jar and the class path files the package phase writes, in a JVM of its own. (The other tests
 * run the jobs in Maven's test class path, which held jars the launcher's class path lacked.)
 */
@Tag("slow") // needs the shaded jar and the class path files of the package phase: run by Failsafe in verify
class LauncherTest {
    @TempDir
    Path dir;

    private static Process run(Path log, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(TestSpark.root().resolve("meridian").toString());
        command.add("spark");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        p.getOutputStream().close();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("./meridian spark did not finish in 300 s:\n" + Files.readString(log));
        }
        return p;
    }

    @Test
    void processWritesWhatMeridianProcessWrites() throws Exception {
        Path out = dir.resolve("out");
        Path log = dir.resolve("process.log");
        Process p = run(log, "process", TestSpark.events().toString(), "--out", out.toString(), "--master", "local[2]");
        assertThat(p.exitValue()).as(Files.readString(log)).isZero();
        assertThat(TestSpark.partFiles(out))
                .containsExactlyElementsOf(
                        TestSpark.cliProcess(TestSpark.events(), TestSpark.cities(), 1, Double.POSITIVE_INFINITY));
    }

    @Test
    void aggregateWritesARollupPerKey() throws Exception {
        Path out = dir.resolve("rollups");
        Path log = dir.resolve("aggregate.log");
        Process p =
                run(log, "aggregate", TestSpark.events().toString(), "--out", out.toString(), "--master", "local[2]");
        assertThat(p.exitValue()).as(Files.readString(log)).isZero();
        List<String> lines = TestSpark.partFiles(out);
        assertThat(lines.getFirst()).isEqualTo("user_id," + RollupCsv.COLUMNS);
        Aggregator expected = AggregateTest.cli(TestSpark.events(), TestSpark.cities(), "user_id");
        List<String> keys = expected.sortedKeys();
        assertThat(lines).hasSize(keys.size() + 1);
        for (int i = 0; i < keys.size(); i++) {
            String[] f = lines.get(i + 1).split(",", -1);
            assertThat(f[0]).isEqualTo(keys.get(i));
            assertThat(f[1]).isEqualTo(Long.toString(expected.get(keys.get(i)).count()));
            assertThat(f[8]).isEqualTo(expected.get(keys.get(i)).lastPlaceId());
        }
    }
}
