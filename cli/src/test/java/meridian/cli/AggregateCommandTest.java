package meridian.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import meridian.core.aggregate.Timestamps;
import meridian.core.csv.CsvParser;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;
import meridian.testkit.Haversine;
import meridian.testkit.NaiveRollup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code meridian aggregate} on the real flights event file against a computation done here, its own way:
 * split lines, group in a TreeMap, BigDecimal sums and two-pass variance, sort by java.time for first/last,
 * brute-force nearest place over the bundled cities.
 */
class AggregateCommandTest {
    static final Path EVENTS = Path.of("..", "testdata", "events.csv");

    /** The rollup columns after the key's, written out here rather than taken from RollupCsv, whose output is tested. */
    static final String ROLLUP_COLUMNS =
            "count,sum,min,max,mean,first_ts,last_ts,last_place_id,last_place_name,last_place_km,stddev\n";

    @TempDir
    Path tmp;

    record Row(long id, String user, double lat, double lon, BigDecimal value, LocalDateTime ts, String tsText) {}

    @Test
    void rollupOfTheFlightsFileEqualsAnIndependentComputation() throws IOException {
        Path out = tmp.resolve("rollup.csv");
        assertThat(Main.run("aggregate", EVENTS.toString(), "--by", "user_id", "--out", out.toString()))
                .isZero();

        var byUser = new TreeMap<String, List<Row>>();
        List<String> lines = Files.readAllLines(EVENTS);
        assertThat(lines.getFirst()).isEqualTo("id,user_id,lat,lon,value,ts,origin,destination,distance_mi");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            var row = new Row(
                    Long.parseLong(f[0]),
                    f[1],
                    Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]),
                    new BigDecimal(f[4]),
                    LocalDateTime.parse(f[5]),
                    f[5]);
            byUser.computeIfAbsent(row.user, k -> new ArrayList<>()).add(row);
        }
        assertThat(lines).hasSize(20_001);

        List<List<String>> got = readCsv(out);
        assertThat(got.getFirst())
                .containsExactly(
                        "user_id",
                        "count",
                        "sum",
                        "min",
                        "max",
                        "mean",
                        "first_ts",
                        "last_ts",
                        "last_place_id",
                        "last_place_name",
                        "last_place_km",
                        "stddev");
        assertThat(got.subList(1, got.size())).extracting(r -> r.getFirst()).containsExactlyElementsOf(byUser.keySet());

        ReferenceSet cities = ReferenceSetReader.bundled();
        for (List<String> r : got.subList(1, got.size())) {
            List<Row> rows = byUser.get(r.getFirst());
            String why = "user " + r.getFirst();
            var want = NaiveRollup.of(
                    rows, Row::value, Comparator.comparing(Row::ts).thenComparingLong(Row::id));
            Row last = want.last();

            assertThat(Long.parseLong(r.get(1))).as(why).isEqualTo(want.count());
            assertThat(new BigDecimal(r.get(2))).as(why).isEqualByComparingTo(want.sum());
            assertThat(new BigDecimal(r.get(3))).as(why).isEqualByComparingTo(want.min());
            assertThat(new BigDecimal(r.get(4))).as(why).isEqualByComparingTo(want.max());
            assertThat(Double.parseDouble(r.get(5)))
                    .as(why)
                    .isCloseTo(want.mean().doubleValue(), within(1e-9));
            assertThat(r.get(6)).as(why).isEqualTo(want.first().tsText);
            assertThat(r.get(7)).as(why).isEqualTo(last.tsText);

            int best = -1;
            double bestKm = Double.POSITIVE_INFINITY;
            for (int i = 0; i < cities.size(); i++) {
                double km = Haversine.km(last.lat, last.lon, cities.lat(i), cities.lon(i));
                if (km < bestKm) {
                    bestKm = km;
                    best = i;
                }
            }
            assertThat(Double.parseDouble(r.get(10))).as(why).isCloseTo(bestKm, within(1e-6));
            if (!r.get(8).equals(cities.id(best))) {
                // only acceptable as an exact tie in distance
                int chosen = indexOf(cities, r.get(8));
                assertThat(Haversine.km(last.lat, last.lon, cities.lat(chosen), cities.lon(chosen)))
                        .as(why)
                        .isCloseTo(bestKm, within(1e-9));
            } else {
                assertThat(r.get(9)).as(why).isEqualTo(cities.placeName(best));
            }
            assertThat(Double.parseDouble(r.get(11))).as(why).isCloseTo(want.stddev(), within(1e-9));
        }
        Path shortOut = tmp.resolve("rollup-o.csv");
        assertThat(Main.run("aggregate", EVENTS.toString(), "-o", shortOut.toString()))
                .as("-o, as for process")
                .isZero();
        assertThat(Files.readAllBytes(shortOut)).isEqualTo(Files.readAllBytes(out));
    }

    @Test
    void ndjsonGzipAndAnyChunkingGiveTheSameRollup() throws IOException {
        Path csvOut = tmp.resolve("csv.csv");
        assertThat(run("aggregate", EVENTS.toString(), "--out", csvOut.toString())
                        .code())
                .isZero();

        Path ndjson = tmp.resolve("events.ndjson.gz");
        try (Writer w =
                new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(ndjson)), StandardCharsets.UTF_8)) {
            List<String> lines = Files.readAllLines(EVENTS);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                w.write("{\"id\":" + f[0] + ",\"user_id\":\"" + f[1] + "\",\"point\":{\"lat\":" + f[2] + ",\"lon\":"
                        + f[3] + "},\"value\":" + f[4] + ",\"ts\":\"" + f[5] + "\"}\n");
            }
        }
        Path jsonOut = tmp.resolve("json.csv");
        assertThat(run("aggregate", ndjson.toString(), "--out", jsonOut.toString())
                        .code())
                .isZero();
        assertThat(Files.readString(jsonOut)).isEqualTo(Files.readString(csvOut));

        Path chunkedOut = tmp.resolve("chunked.csv");
        assertThat(run(
                                "aggregate",
                                EVENTS.toString(),
                                "--chunk",
                                "61",
                                "--threads",
                                "3",
                                "--out",
                                chunkedOut.toString())
                        .code())
                .isZero();
        List<List<String>> a = readCsv(csvOut);
        List<List<String>> b = readCsv(chunkedOut);
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            for (int col : new int[] {0, 1, 2, 3, 4, 6, 7, 8, 9, 10}) {
                assertThat(b.get(i).get(col))
                        .as("row %d col %d", i, col)
                        .isEqualTo(a.get(i).get(col));
            }
            if (i > 0) {
                assertThat(Double.parseDouble(b.get(i).get(5)))
                        .isCloseTo(Double.parseDouble(a.get(i).get(5)), within(1e-9));
                assertThat(Double.parseDouble(b.get(i).get(11)))
                        .isCloseTo(Double.parseDouble(a.get(i).get(11)), within(1e-9));
            }
        }
    }

    /** {@code -} reads the command's standard input (the caller's stream, not the process's). */
    @Test
    void readsStandardInput() {
        var r = Cli.runWithInput(
                "who,value,ts\nb,1.5,2001-01-02T00:00:00Z\na,2,2001-01-01\nb,-1,2001-01-01T10:00+01:00\n"
                        .getBytes(StandardCharsets.UTF_8),
                "aggregate",
                "-",
                "--by",
                "who",
                "--no-places");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .isEqualTo("who,"
                        + ROLLUP_COLUMNS
                        + "a,1,2,2,2,2,2001-01-01,2001-01-01,,,,0\n"
                        + "b,2,0.5,-1,1.5,0.25,2001-01-01T10:00+01:00,2001-01-02T00:00:00Z,,,,1.25\n");
    }

    @Test
    void groupsByAnyColumnAndWorksWithoutCoordinates() throws IOException {
        Path in = tmp.resolve("plain.csv");
        Files.writeString(
                in,
                "who,value,ts\nb,1.5,2001-01-02T00:00:00Z\na,2,2001-01-01\n\"b,c\",3,2001-01-01T00:00\nb,-1,2001-01-01T10:00+01:00\n");
        Cli.Result r = run("aggregate", in.toString(), "--by", "who");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .isEqualTo("who,"
                        + ROLLUP_COLUMNS
                        + "a,1,2,2,2,2,2001-01-01,2001-01-01,,,,0\n"
                        + "b,2,0.5,-1,1.5,0.25,2001-01-01T10:00+01:00,2001-01-02T00:00:00Z,,,,1.25\n"
                        + "\"b,c\",1,3,3,3,3,2001-01-01T00:00,2001-01-01T00:00,,,,0\n");
    }

    @Test
    void badRowsStopWithTheirLineNumber() throws IOException {
        Path in = tmp.resolve("bad.csv");
        Files.writeString(
                in,
                "id,user_id,lat,lon,value,ts\n1,u,10,20,5,2001-01-01T00:00:00\n2,u,10,20,five,2001-01-01T00:00:00\n");
        Cli.Result r = run("aggregate", in.toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("line 3").contains("value").contains("five");

        Files.writeString(
                in, "id,user_id,lat,lon,value,ts\n1,u,10,20,5,2001-01-01T00:00:00\n\n2,u,95,20,5,2001-01-01\n");
        r = run("aggregate", in.toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("line 4").contains("lat");

        Files.writeString(in, "id,user_id,lat,lon,value,ts\n1,u,10,20,5,yesterday\n");
        assertThat(run("aggregate", in.toString()).err())
                .contains("line 2")
                .contains("ts")
                .contains("yesterday");

        Files.writeString(in, "id,user,value,ts\n1,u,5,2001-01-01\n");
        assertThat(run("aggregate", in.toString()).err()).contains("no column 'user_id'");

        assertThat(run("aggregate", tmp.resolve("missing.csv").toString()).err())
                .contains("no such file");
    }

    @Test
    void readsTheEpochSecondsFileTheBenchmarkGeneratorWrites() throws Exception {
        Path in = tmp.resolve("points.csv");
        Process gen = new ProcessBuilder(
                        "bash", Path.of("..", "bench", "gen_points.sh").toString(), "300", "7")
                .redirectOutput(in.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        assertThat(gen.waitFor()).isZero();
        List<List<String>> rows = readCsv(in);
        assertThat(rows.getFirst()).containsExactly("id", "lat", "lon", "user_id", "ts", "value");
        assertThat(rows.get(1).get(4)).matches("1[0-9]{9}"); // epoch seconds

        Cli.Result r = run("aggregate", in.toString(), "--no-places");
        assertThat(r.code()).as(r.err()).isZero();
        // expected here from the file alone: per user, the count and the earliest and latest ts
        var expected = new TreeMap<String, long[]>();
        for (List<String> row : rows.subList(1, rows.size())) {
            long ts = Long.parseLong(row.get(4));
            expected.merge(row.get(3), new long[] {1, ts, ts}, (a, b) ->
                    new long[] {a[0] + b[0], Math.min(a[1], b[1]), Math.max(a[2], b[2])});
        }
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(expected.size() + 1);
        int i = 1;
        for (var e : expected.entrySet()) {
            String[] f = lines.get(i++).split(",");
            assertThat(f[0]).isEqualTo(e.getKey());
            assertThat(Long.parseLong(f[1])).isEqualTo(e.getValue()[0]);
            assertThat(f[6]).isEqualTo(Long.toString(e.getValue()[1]));
            assertThat(f[7]).isEqualTo(Long.toString(e.getValue()[2]));
        }
    }

    @Test
    void epochNumbersAndIsoTextOrderTogetherAndJsonArraysAreRead() throws IOException {
        // one instant four ways, and one event an hour later in epoch milliseconds, as a .json array
        Path in = tmp.resolve("mixed.json");
        Files.writeString(
                in,
                "\uFEFF[\n{\"user_id\":\"u\",\"value\":1,\"ts\":\"2023-11-14T22:13:21Z\"},\n"
                        + "{\"user_id\":\"u\",\"value\":2,\"ts\":1700003601000},\n"
                        + "{\"user_id\":\"u\",\"value\":3,\"ts\":1700000000.5},\n"
                        + "{\"user_id\":\"u\",\"value\":4,\"ts\":\"1700000001\"}\n]\n");
        Cli.Result r = run("aggregate", in.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines().toList().get(1)).startsWith("u,4,10,1,4,2.5,1700000000.5,1700003601000,");

        Files.writeString(in, "[{\"user_id\":\"u\",\"value\":1,\"ts\":\"1.7e9\"}]"); // text: plain digits only
        r = run("aggregate", in.toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("line 1").contains("ts").contains(Timestamps.RULE);
    }

    @Test
    void findsIdAndCoordinateColumnsAsProcessDoes() throws IOException {
        // the same events under the header names process accepts: every place, distance and tie-break the same
        String rows = "7,u1,37.7,-122.4,3,2024-01-01T00:00:00Z\n"
                + "8,u2,34.0,-118.2,5,2024-01-01T00:00:00Z\n"
                + "6,u2,37.0,-122.0,1,2024-01-01T00:00:00Z\n";
        Path plain = tmp.resolve("plain.csv");
        Files.writeString(plain, "id,user_id,lat,lon,value,ts\n" + rows);
        Path other = tmp.resolve("other.csv");
        Files.writeString(other, " ID ,user_id,Latitude,LNG,value,ts\n" + rows);
        Path refsFile = tmp.resolve("refs.csv");
        Files.writeString(
                refsFile, "id,name,lat,lon\n1,San Francisco,37.7749,-122.4194\n2,Los Angeles,34.0522,-118.2437\n");
        String refs = refsFile.toString();
        Cli.Result expected = run("aggregate", plain.toString(), "--refs", refs);
        assertThat(expected.code()).as(expected.err()).isZero();
        assertThat(expected.out()).contains(",San Francisco,").contains(",Los Angeles,");
        Cli.Result r = run("aggregate", other.toString(), "--refs", refs);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(expected.out());

        // and a bad coordinate is named as the header names it
        Files.writeString(other, "user_id,Latitude,LNG,value,ts\nu1,37.7,-222.4,3,2024-01-01T00:00:00Z\n");
        r = run("aggregate", other.toString(), "--refs", refs);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("line 2: LNG must be in [-180, 180], got -222.4");
    }

    @Test
    void aLongRowIsReadWholeAndItsErrorsNameItsLine() throws IOException {
        // a quoted field of 1.5 M characters: the row goes through the full CSV parser, which used to refuse
        // it as "line 1" (its own count) above 1 M characters though the block reader had taken it
        String note = "\"" + "x".repeat(1_500_000) + "\"";
        Path in = tmp.resolve("long.csv");
        Files.writeString(
                in, "user_id,note,value,ts\nu,a,1,2001-01-01\nu,b,2,2001-01-02\nu," + note + ",3,2001-01-03\n");
        Cli.Result r = run("aggregate", in.toString(), "--no-places");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines().toList().get(1)).startsWith("u,3,6,1,3,2,2001-01-01,2001-01-03,");

        Files.writeString(
                in, "user_id,note,value,ts\nu,a,1,2001-01-01\nu,b,2,2001-01-02\nu," + note + ",five,2001-01-03\n");
        r = run("aggregate", in.toString(), "--no-places");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("line 4").contains("value").contains("'five'");
    }

    @Test
    void aColumnNamedTwiceIsRefused() throws IOException {
        Path in = tmp.resolve("twice.csv");
        Files.writeString(in, "user_id,value,ts,value\nu1,1,2026-01-01T00:00:00Z,2\n");
        var r = run("aggregate", in.toString(), "--no-places");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("line 1: the header names column 'value' twice (columns 2 and 4)");
        Files.writeString(in, "user_id,value,ts,lat,lon,LAT\nu1,1,2026-01-01T00:00:00Z,1,2,3\n");
        r = run("aggregate", in.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("the header names column 'lat' twice (columns 4 and 6)");
    }

    @Test
    void aHugeBadValueIsQuotedShort() throws IOException {
        String huge = "9".repeat(2_000_000);
        Path in = tmp.resolve("huge.csv");
        Files.writeString(in, "user_id,value,ts\nu,1,2001-01-01\nu," + huge + "x,2001-01-01\n");
        Cli.Result r = run("aggregate", in.toString(), "--no-places");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .contains("line 3")
                .contains("value")
                .contains("'9999")
                .hasSizeLessThan(300);

        StringBuilder header = new StringBuilder("user_id,ts");
        for (int c = 0; c < 100_000; c++) {
            header.append(",c").append(c);
        }
        Files.writeString(in, header + "\n");
        r = run("aggregate", in.toString(), "--no-places");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .contains("no column 'value'")
                .contains("(100002 columns)")
                .hasSizeLessThan(400);
    }

    @Test
    void skipBadLeavesOutBadRowsAndReportsTheFirst() throws IOException {
        Path in = tmp.resolve("skip.csv");
        Files.writeString(
                in,
                "user_id,value,ts\nu,1,2001-01-01\nu,five,2001-01-01\nv,\"2\",2001-01-02\n\nw,3,yesterday\n"
                        + "u,\"x\ny\",2001-01-03\nu,4,2001-01-04\n");
        Cli.Result r = run("aggregate", in.toString(), "--skip-bad", "--no-places");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .isEqualTo("user_id,"
                        + ROLLUP_COLUMNS
                        + "u,2,5,1,4,2.5,2001-01-01,2001-01-04,,,,1.5\n"
                        + "v,1,2,2,2,2,2001-01-02,2001-01-02,,,,0\n");
        assertThat(r.err())
                .contains("skipped 3 bad row(s):")
                .contains(in + " line 3, field 'value': must be a number, got 'five'")
                .contains(in + " line 6, field 'ts': ")
                .contains(in + " line 7, field 'value': must be a number, got 'x");

        Path json = tmp.resolve("skip.ndjson");
        Files.writeString(
                json,
                "{\"user_id\":\"u\",\"value\":1,\"ts\":\"2001-01-01\"}\nnot json\n"
                        + "{\"user_id\":\"u\",\"value\":\"z\",\"ts\":\"2001-01-01\"}\n"
                        + "{\"user_id\":\"u\",\"value\":2,\"ts\":\"2001-01-02\"}\n");
        r = run("aggregate", json.toString(), "--skip-bad", "--no-places");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("\nu,2,3,1,2,1.5,2001-01-01,2001-01-02,,,,0.5\n");
        assertThat(r.err())
                .contains("skipped 2 bad row(s):")
                .contains(json + " line 2, field 'record': is not valid JSON: ")
                .doesNotContain("line 2 line")
                .contains(json + " line 3, field 'value': must be a number, got 'z'");
    }

    @Test
    void skipBadOverManyBlocksCountsAllAndListsTheFirstTenInFileOrder() throws IOException {
        // 60 rows, every other one bad, in blocks of 7 rows: the rollup is that of the good rows alone
        StringBuilder all = new StringBuilder("id,user_id,lat,lon,value,ts\n");
        StringBuilder good = new StringBuilder("id,user_id,lat,lon,value,ts\n");
        for (int i = 0; i < 60; i++) {
            String row = i + ",u" + (i % 4) + "," + (i % 50) + "," + i + "," + (i % 2 == 0 ? i * 1.5 : "bad")
                    + ",2001-01-01T00:00:" + (10 + i % 40) + "Z\n";
            all.append(row);
            if (i % 2 == 0) {
                good.append(row);
            }
        }
        Path in = tmp.resolve("every-other.csv");
        Files.writeString(in, all);
        Path clean = tmp.resolve("good.csv");
        Files.writeString(clean, good);
        Cli.Result expected = run("aggregate", clean.toString());
        assertThat(expected.code()).as(expected.err()).isZero();
        Cli.Result r = run("aggregate", in.toString(), "--skip-bad", "--chunk", "7");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(expected.out());
        List<String> listed = r.err().lines().filter(l -> l.startsWith("  ")).toList();
        assertThat(r.err()).contains("skipped 30 bad row(s), the first 10:");
        assertThat(listed).hasSize(10);
        for (int k = 0; k < 10; k++) {
            assertThat(listed.get(k)).startsWith("  " + in + " line " + (3 + 2 * k) + ", field 'value'");
        }
    }

    /** The command as {@code meridian} runs it (its streams the caller's: {@link Cli}). */
    private static Cli.Result run(String... args) {
        return Cli.run(args);
    }

    private static List<List<String>> readCsv(Path file) throws IOException {
        var rows = new ArrayList<List<String>>();
        try (var p = new CsvParser(new StringReader(Files.readString(file)), file.toString())) {
            while (p.next()) {
                rows.add(List.copyOf(p.fields()));
            }
        }
        return rows;
    }

    private static int indexOf(ReferenceSet set, String id) {
        for (int i = 0; i < set.size(); i++) {
            if (set.id(i).equals(id)) {
                return i;
            }
        }
        throw new AssertionError(id);
    }
}
