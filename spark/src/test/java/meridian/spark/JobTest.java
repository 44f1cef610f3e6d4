package meridian.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import meridian.core.aggregate.Aggregator;
import meridian.core.aggregate.RollupCsv;
import meridian.core.aggregate.UserAggregate;
import meridian.core.error.ExitCode;
import meridian.core.refs.ErrorPolicy;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jobs as a user runs them, in this JVM on the shared local session. */
class JobTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        TestSpark.session();
    }

    @Test
    void processWritesWhatMeridianProcessWrites() throws IOException {
        Path out = dir.resolve("out");
        int code = Main.run("process", TestSpark.events().toString(), "--out", out.toString(), "--partitions", "4");
        assertThat(code).isEqualTo(ExitCode.OK);
        List<String> expected =
                TestSpark.cliProcess(TestSpark.events(), TestSpark.cities(), 1, Double.POSITIVE_INFINITY);
        assertThat(partCount(out)).isGreaterThanOrEqualTo(4);
        assertThat(TestSpark.partFiles(out)).containsExactlyElementsOf(expected);
    }

    @Test
    void processWithCountryWritesWhatMeridianProcessCountryWrites() throws IOException {
        Path out = dir.resolve("out");
        int code = Main.run(
                "process", TestSpark.events().toString(), "--out", out.toString(), "--country", "--partitions", "4");
        assertThat(code).isEqualTo(ExitCode.OK);
        var options = new meridian.core.enrich.EnrichOptions(1, Double.POSITIVE_INFINITY)
                .withRegions(new meridian.core.enrich.RegionLookup(meridian.core.region.Regions.bundled()));
        List<String> expected = TestSpark.cliProcess(TestSpark.events(), ReferenceSetReader.bundled(), options);
        assertThat(expected.get(0)).endsWith(",country,country_name,country_km");
        assertThat(TestSpark.partFiles(out)).containsExactlyElementsOf(expected);
    }

    @Test
    void processWithKAndMaxKmAgainstTheAirportsWritesWhatMeridianProcessWrites() throws IOException {
        Path out = dir.resolve("out");
        int code = Main.run(
                "process",
                TestSpark.events().toString(),
                "--out",
                out.toString(),
                "--refs",
                TestSpark.airports().toString(),
                "-k",
                "2",
                "--max-km",
                "40",
                "--partitions",
                "4");
        assertThat(code).isEqualTo(ExitCode.OK);
        ReferenceSet airports = ReferenceSetReader.load(TestSpark.airports(), ErrorPolicy.FAIL_FAST)
                .set();
        assertThat(TestSpark.partFiles(out))
                .containsExactlyElementsOf(TestSpark.cliProcess(TestSpark.events(), airports, 2, 40));
    }

    @Test
    void aggregateWritesTheRollupsOfMeridianAggregate() throws IOException {
        Path out = dir.resolve("rollups");
        int code = Main.run("aggregate", TestSpark.events().toString(), "--by", "user_id", "--out", out.toString());
        assertThat(code).isEqualTo(ExitCode.OK);
        List<String> lines = TestSpark.partFiles(out);
        assertThat(lines.getFirst()).isEqualTo("user_id," + RollupCsv.COLUMNS);
        Aggregator expected = AggregateTest.cli(TestSpark.events(), TestSpark.cities(), "user_id");
        assertThat(lines).hasSize(expected.size() + 1);
        List<String> keys = expected.sortedKeys();
        for (int i = 0; i < keys.size(); i++) {
            String[] f = lines.get(i + 1).split(",", -1);
            UserAggregate a = expected.get(keys.get(i));
            assertThat(f[0]).isEqualTo(keys.get(i));
            assertThat(f[1]).isEqualTo(Long.toString(a.count()));
            // integer values: the sums are exact, so the text is the CLI's text
            assertThat(f[2]).isEqualTo(RollupCsv.number(a.sum()));
            assertThat(f[3]).isEqualTo(RollupCsv.number(a.min()));
            assertThat(f[4]).isEqualTo(RollupCsv.number(a.max()));
            assertThat(f[5]).isEqualTo(RollupCsv.number(a.mean()));
            assertThat(f[6]).isEqualTo(a.firstTs());
            assertThat(f[7]).isEqualTo(a.lastTs());
            assertThat(f[8]).isEqualTo(a.lastPlaceId());
            assertThat(f[10]).isEqualTo(RollupCsv.number(a.lastPlaceKm()));
            assertThat(Double.parseDouble(f[11])).isCloseTo(a.stddev(), within(1e-9 * Math.max(1, a.stddev())));
        }
    }

    @Test
    void problemsAreReportedBeforeTheJobWithTheCliExitCodes() throws IOException {
        String events = TestSpark.events().toString();
        String out = dir.resolve("x").toString();
        assertThat(Main.run("process", dir.resolve("missing.csv").toString(), "--out", out))
                .isEqualTo(ExitCode.IO);
        assertThat(Main.run(
                        "process",
                        events,
                        "--out",
                        out,
                        "--refs",
                        dir.resolve("nope.csv").toString()))
                .isEqualTo(ExitCode.IO);
        assertThat(Main.run("process", events, "--out", out, "-k", "0")).isEqualTo(ExitCode.USAGE);
        assertThat(Main.run("process", events, "--out", out, "--max-km", "-3")).isEqualTo(ExitCode.USAGE);
        assertThat(Main.run("process", events)).isEqualTo(ExitCode.USAGE);
        Path noLat = dir.resolve("nolat.csv");
        Files.writeString(noLat, "id,y,lon\n1,2,3\n");
        assertThat(Main.run("process", noLat.toString(), "--out", out)).isEqualTo(ExitCode.BAD_DATA);
        assertThat(Main.run("aggregate", events, "--by", "nobody", "--out", out))
                .isEqualTo(ExitCode.BAD_DATA);
        Path badRefs = dir.resolve("refs.csv");
        Files.writeString(badRefs, "id,name,lat,lon\na,A,1,2\nb,B,95,2\n");
        assertThat(Main.run("process", events, "--out", out, "--refs", badRefs.toString()))
                .isEqualTo(ExitCode.BAD_DATA);
        Files.createDirectories(dir.resolve("exists"));
        assertThat(Main.run("process", events, "--out", dir.resolve("exists").toString()))
                .isEqualTo(ExitCode.IO);
        assertThat(Files.exists(Path.of(out))).as("no job ran").isFalse();
    }

    private static long partCount(Path out) throws IOException {
        try (var s = Files.list(out)) {
            return s.filter(p -> p.getFileName().toString().startsWith("part-")).count();
        }
    }
}
