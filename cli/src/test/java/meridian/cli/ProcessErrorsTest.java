package meridian.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import meridian.core.error.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad rows name the input, line and field; each kind of failure has its documented exit code. */
class ProcessErrorsTest {
    @TempDir
    Path dir;

    private Cli.Result process(String name, String content, String... extra) throws IOException {
        Path refs = Cli.twoCities(dir);
        Path in = Cli.write(dir.resolve(name), content);
        var args = new java.util.ArrayList<>(java.util.List.of("process", in.toString(), "--refs", refs.toString()));
        args.addAll(java.util.List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void aBadRowNamesItsFileLineAndField() throws IOException {
        var notNumber = process("in.csv", "id,lat,lon\n1,35,-120\n2,abc,-120\n");
        assertThat(notNumber.code()).isEqualTo(ExitCode.BAD_DATA);
        assertThat(notNumber.err())
                .contains(dir.resolve("in.csv") + " line 3, field 'lat': 'abc' is not a decimal number");
        assertThat(notNumber.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /** One bad input each: the run stops with the bad-data code and names the line and field. */
    static Stream<Arguments> badRows() {
        return Stream.of(
                Arguments.of(
                        "in.csv",
                        "id,latitude,longitude\n1,35,-190\n",
                        "line 2, field 'longitude': longitude -190 is out of range [-180, 180]"),
                Arguments.of("in.csv", "id,lat,lon\n1,,-120\n", "line 2, field 'lat': value is missing"),
                Arguments.of("in.csv", "id,lat,lon\n1,35\n", "line 2: expected 3 fields as in the header, found 2"),
                Arguments.of("in.csv", "id,lat,lon\n1,NaN,3\n", "line 2, field 'lat': 'NaN' is not a decimal number"),
                // a quoted field spanning lines: the error names the physical line where the bad row starts
                Arguments.of(
                        "in.csv",
                        "id,lat,lon,note\n1,35,-120,\"a\nb\nc\"\n2,35,x,d\n",
                        "line 5, field 'lon': 'x' is not a decimal number"),
                Arguments.of("in.csv", "id,x,y\n1,2,3\n", "line 1: missing required column(s) lat, lon"),
                Arguments.of(
                        "in.csv",
                        "id,lat,lon,LON \n1,35,-120,3\n",
                        "in.csv line 1: the header names column 'lon' twice (columns 3 and 4)"),
                Arguments.of(
                        "in.ndjson",
                        "{\"id\":1,\"lat\":35,\"lon\":-120}\n{\"id\":2,\"lat\":35,\n",
                        "in.ndjson line 2: malformed JSON"),
                // an object left open: Jackson's message without its own location (which counts from the line)
                Arguments.of(
                        "in.ndjson",
                        "{\"id\":1,\"lat\":35,\"lon\":-120}\n{\"id\":2,\"point\":{\"lat\":1,\"lon\":2}\n",
                        "in.ndjson line 2: malformed JSON: Unexpected end-of-input: expected close marker for Object\n"),
                Arguments.of("in.ndjson", "{\"id\":1}\n", "line 1, field 'point': the record has no coordinates"),
                Arguments.of(
                        "in.ndjson",
                        "\n{\"id\":1,\"point\":{\"lat\":\"x\",\"lon\":2}}\n",
                        "line 2, field 'point.lat': point.lat must be a number, found a string \"x\""),
                Arguments.of(
                        "in.json",
                        "[\n{\"id\":1,\n \"lat\":91,\"lon\":0}]",
                        "in.json line 2, field 'lat': latitude 91.0 is out of range [-90, 90]"),
                Arguments.of(
                        "in.ndjson",
                        "{\"lat\":1,\"lon\":2,\"payload\":[1,\"a\"]}\n",
                        "line 1, field 'payload[1]': payload values must be numbers"),
                Arguments.of("in.json", "[{\"lat\":1,\"lon\":2},\n{\"lat\":1,,}]", "in.json line 2: malformed JSON"));
    }

    @ParameterizedTest
    @MethodSource("badRows")
    void badRowsStopWithLineAndField(String name, String content, String message) throws IOException {
        var r = process(name, content);
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.BAD_DATA);
        assertThat(r.err()).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void skipBadCountsAndReportsTheFirstBadRows() throws IOException {
        var r = process("in.csv", "id,lat,lon\n1,35,-120\n2,x,1\n3,1\n4,37.7749,-122.4194\n", "--skip-bad");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .isEqualTo("id,lat,lon,nearest_id,nearest_name,distance_km\n"
                        + "1,35,-120,la,Los Angeles,192.3334276712751\n"
                        + "4,37.7749,-122.4194,sf,San Francisco,0.000000\n");
        assertThat(r.err())
                .contains("skipped 2 bad row(s)")
                .contains("line 3, field 'lat': 'x' is not a decimal number")
                .contains("line 4: expected 3 fields as in the header, found 2");

        var json = process("in.ndjson", "{\"lat\":1,\"lon\":2}\nnot json\n{\"lat\":95,\"lon\":2}\n", "--skip-bad");
        assertThat(json.code()).isZero();
        assertThat(json.out().lines()).hasSize(1);
        assertThat(json.err()).contains("skipped 2 bad row(s)").contains("line 2: malformed JSON");
    }

    @Test
    void skippedRowsAreCountedAndListedInInputOrderAcrossChunks() throws IOException {
        var csv = new StringBuilder("id,lat,lon\n");
        var ndjson = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            boolean good = i % 2 == 0;
            csv.append(i).append(good ? ",35,-120\n" : ",bad,-120\n");
            ndjson.append(good ? "{\"lat\":35,\"lon\":-120}\n" : "{\"lat\":35,\n");
        }
        for (String chunk : new String[] {"1", "4", "16384"}) {
            assertThat(skippingHalf("in.csv", csv, chunk, 31))
                    .contains("line 3, field 'lat'")
                    .contains("line 21, field 'lat'")
                    .doesNotContain("line 23,");
            assertThat(skippingHalf("in.ndjson", ndjson, chunk, 30))
                    .contains("in.ndjson line 2: malformed JSON")
                    .contains("line 20: malformed")
                    .doesNotContain("line 22:");
            var stop = process("in.ndjson", ndjson.toString(), "--chunk", chunk);
            assertThat(stop.code()).isEqualTo(ExitCode.BAD_DATA);
            assertThat(stop.err()).contains("in.ndjson line 2: malformed JSON");
        }
    }

    /**
     * Rows are cut on a reader thread ahead of the workers, and a row too long to cut fails the reader: that
     * failure comes after the rows before it, so a bad row earlier in the file is still the one reported,
     * whichever block or wave each falls in; alone, the long row is reported with its line.
     */
    @Test
    void aRowTooLongToCutIsReportedAfterTheRowsBeforeIt() throws IOException {
        String longRow = "99,35,-120,\"" + "x".repeat(17 << 20) + "\"\n";
        var rows = new StringBuilder("id,lat,lon,note\n");
        for (int i = 1; i <= 40; i++) {
            rows.append(i).append(i == 30 ? ",abc,-120,n\n" : ",35,-120,n\n");
        }
        for (String chunk : new String[] {"1", "4", "16384"}) {
            var r = process("in.csv", rows + longRow, "--chunk", chunk);
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.BAD_DATA);
            assertThat(r.err()).contains("line 31, field 'lat'").doesNotContain("longer than");
        }
        String good = rows.toString().replace(",abc,", ",35,");
        var alone = process("in.csv", good + longRow, "--chunk", "4");
        assertThat(alone.code()).as(alone.err()).isEqualTo(ExitCode.BAD_DATA);
        assertThat(alone.err()).contains("line 42: row is longer than").doesNotContain("Exception");
    }

    @Test
    void exitCodesForUsageAndFiles() throws IOException {
        Path refs = Cli.twoCities(dir);
        Path in = Cli.write(dir.resolve("in.csv"), "id,lat,lon\n1,35,-120\n");
        assertThat(Cli.run("process", dir.resolve("nope.csv").toString()).code())
                .isEqualTo(ExitCode.IO);
        var noRefs = Cli.run(
                "process", in.toString(), "--refs", dir.resolve("nope.csv").toString());
        assertThat(noRefs.code()).isEqualTo(ExitCode.IO);
        assertThat(noRefs.err()).contains("no such file");
        assertThat(Cli.run("process", in.toString(), "-k", "0").code()).isEqualTo(ExitCode.USAGE);
        assertThat(Cli.run("process", in.toString(), "--max-km", "-1").code()).isEqualTo(ExitCode.USAGE);
        assertThat(Cli.run("process", in.toString(), "--format", "xml").code()).isEqualTo(ExitCode.USAGE);
        assertThat(Cli.run("process").code()).isEqualTo(ExitCode.USAGE);
        var unknown = Cli.run("process", in.toString(), "--bogus");
        assertThat(unknown.code()).isEqualTo(ExitCode.USAGE);
        assertThat(unknown.err()).contains("--bogus").contains("--help");
        var outDir = Cli.run(
                "process",
                in.toString(),
                "--refs",
                refs.toString(),
                "--out",
                dir.resolve("no/such/dir/o.csv").toString());
        assertThat(outDir.code()).isEqualTo(ExitCode.IO);
        Path badRefs = Cli.write(dir.resolve("bad-refs.csv"), "id,name,lat,lon\nx,X,100,0\n");
        var bad = Cli.run("process", in.toString(), "--refs", badRefs.toString());
        assertThat(bad.code()).isEqualTo(ExitCode.BAD_DATA);
        assertThat(bad.err()).contains("bad-refs.csv line 2, field 'lat'");
    }

    /**
     * A device that takes no bytes: the write error ends the run with the I/O code in every format, the JSON
     * array's included, whose chunks are written on a worker while the next one is read.
     */
    @Test
    void aFullDeviceIsAnIoError() throws IOException {
        var json = new StringBuilder("[");
        for (int i = 0; i < 40_000; i++) {
            json.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"lat\":35,\"lon\":-120}");
        }
        var csv = new StringBuilder("id,lat,lon\n");
        for (int i = 0; i < 40_000; i++) {
            csv.append(i).append(",35,-120\n");
        }
        for (String[] input : new String[][] {{"in.json", json + "]"}, {"in.csv", csv.toString()}}) {
            var r = process(input[0], input[1], "--out", "/dev/full", "--chunk", "1000");
            assertThat(r.code()).as(input[0]).isEqualTo(ExitCode.IO);
            assertThat(r.err()).as(input[0]).contains("No space left on device").doesNotContain("\tat ");
        }
    }

    @Test
    void failedRunLeavesNoPartialOutput() throws IOException {
        Path out = dir.resolve("out.csv");
        var r = process("in.csv", "id,lat,lon\n1,35,-120\n2,x,0\n", "--out", out.toString());
        assertThat(r.code()).isEqualTo(ExitCode.BAD_DATA);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("out.csv", ".out.csv.partial");
        }
    }

    @Test
    void devicesAreWrittenInPlace() throws IOException {
        Path devNull = Path.of("/dev/null");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(devNull));
        var r = process("in.csv", "id,lat,lon\n1,35,-120\n", "--out", devNull.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.isRegularFile(devNull)).isFalse();
        assertThat(Files.exists(Path.of("/dev/.null.partial"))).isFalse();
    }

    @Test
    void helpOnEveryCommand() {
        for (String[] args : new String[][] {{"--help"}, {"process", "--help"}, {"search", "--help"}}) {
            var r = Cli.run(args);
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("Usage: meridian").contains("Exit codes:");
        }
        assertThat(Cli.run("process", "--help").out())
                .contains("--skip-bad")
                .contains("--max-km")
                .contains("nearest_id_1");
    }

    /** {@code --skip-bad} over 60 rows of which every other one is bad; returns the standard error. */
    private String skippingHalf(String name, CharSequence content, String chunk, int outLines) throws IOException {
        var r = process(name, content.toString(), "--skip-bad", "--chunk", chunk);
        assertThat(r.code()).isZero();
        assertThat(r.out().lines()).hasSize(outLines);
        assertThat(r.err()).contains("skipped 30 bad row(s), the first 10:");
        return r.err();
    }
}
