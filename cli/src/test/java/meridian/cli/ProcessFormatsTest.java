package meridian.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import meridian.core.error.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code meridian process} on small hand-checked inputs, in every format. */
class ProcessFormatsTest {
    @TempDir
    Path dir;

    private static final String LA_192 = "192.3334276712751";

    @Test
    void csvGetsNearestColumnsAndKeepsOtherColumnsAndQuoting() throws IOException {
        Path refs = Cli.twoCities(dir);
        Path in = Cli.write(
                dir.resolve("in.csv"),
                "id,lat,lon,note\n1,37.7749,-122.4194,\"hello, \"\"world\"\"\"\n2,35,-120,plain\n");
        Path out = dir.resolve("out.csv");
        var r = Cli.run("process", in.toString(), "--refs", refs.toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Cli.read(out))
                .isEqualTo("id,lat,lon,note,nearest_id,nearest_name,distance_km\n"
                        + "1,37.7749,-122.4194,\"hello, \"\"world\"\"\",sf,San Francisco,0.000000\n"
                        + "2,35,-120,plain,la,Los Angeles," + LA_192 + "\n");
        assertThat(r.err()).contains("2 rows").contains("MB/s").contains("rows/s");
    }

    @Test
    void csvAcceptsLatitudeLongitudeHeadersInAnyOrderAndCrlf() throws IOException {
        assertProcessed(
                "in.csv",
                "longitude,name,latitude,id\r\n-120,\"a\r\nb\",35,x\r\n",
                "longitude,name,latitude,id,nearest_id,nearest_name,distance_km\n"
                        + "-120,\"a\r\nb\",35,x,la,Los Angeles," + LA_192 + "\n");
    }

    @Test
    void csvWithKAndMaxKmNumbersColumnsAndLeavesMissingMatchesEmpty() throws IOException {
        Path refs = Cli.twoCities(dir);
        Path in = Cli.write(dir.resolve("in.csv"), "id,lat,lon\n1,37.7749,-122.4194\n2,35,-120\n3,0,0\n");
        var r = Cli.run("process", in.toString(), "--refs", refs.toString(), "-k", "2", "--max-km", "400");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .isEqualTo("id,lat,lon,nearest_id_1,nearest_name_1,distance_km_1,nearest_id_2,nearest_name_2,"
                        + "distance_km_2\n"
                        + "1,37.7749,-122.4194,sf,San Francisco,0.000000,,,\n"
                        + "2,35,-120,la,Los Angeles," + LA_192 + ",sf,San Francisco,376.93862759741245\n"
                        + "3,0,0,,,,,,\n");
        var single = Cli.run("process", in.toString(), "--refs", refs.toString(), "--max-km", "100");
        assertThat(single.out()).endsWith("1,37.7749,-122.4194,sf,San Francisco,0.000000\n2,35,-120,,,\n3,0,0,,,\n");
    }

    @Test
    void ndjsonKeepsFieldsScalesPayloadAndAddsNearest() throws IOException {
        assertProcessed(
                "in.ndjson",
                "{\"id\":1,\"point\":{\"lat\":37.7749,\"lon\":-122.4194},\"payload\":[1,2],\"user_id\":\"u1\"}\n"
                        + "\n"
                        + "{\"id\":2,\"lat\":35,\"lon\":-120,\"payload\":[1.0],\"tags\":{\"a\":[1e3,true,null,\"é\\\"\"]}}\n",
                "{\"id\":1,\"point\":{\"lat\":37.7749,\"lon\":-122.4194},\"payload\":[0.0,0.0],"
                        + "\"user_id\":\"u1\",\"nearest\":{\"id\":\"sf\",\"name\":\"San Francisco\",\"distance_km\":0.000000}}\n"
                        + "{\"id\":2,\"lat\":35,\"lon\":-120,\"payload\":[" + LA_192
                        + "],\"tags\":{\"a\":[1e3,true,null,"
                        + "\"é\\\"\"]},\"nearest\":{\"id\":\"la\",\"name\":\"Los Angeles\",\"distance_km\":" + LA_192
                        + "}}\n");
    }

    @Test
    void jsonArrayStreamsWithKNearestAndEmptyWhenNoneWithinRadius() throws IOException {
        Path refs = Cli.twoCities(dir);
        assertProcessed(
                "in.json",
                "[\n {\"id\": 1, \"point\": {\"lat\": 35, \"lon\": -120}, \"payload\": [1, 2]},\n"
                        + " {\"id\": 2, \"point\": {\"lat\": 0, \"lon\": 0}, \"payload\": [3], \"nearest\": \"old\"}\n]\n",
                "[\n{\"id\":1,\"point\":{\"lat\":35,\"lon\":-120},\"payload\":[" + LA_192 + ","
                        + 2 * Double.parseDouble(LA_192) + "],\"nearest\":[{\"id\":\"la\",\"name\":\"Los Angeles\","
                        + "\"distance_km\":" + LA_192 + "}]},\n"
                        + "{\"id\":2,\"point\":{\"lat\":0,\"lon\":0},\"payload\":[3.0],\"nearest\":[]}\n]\n",
                "-k",
                "2",
                "--max-km",
                "300");
        var empty = Cli.run("process", Cli.write(dir.resolve("e.json"), " [ ] ").toString(), "--refs", refs.toString());
        assertThat(empty.code()).isZero();
        assertThat(empty.out()).isEqualTo("[]\n");
    }

    @Test
    void formatComesFromOptionThenExtensionThenContent() throws IOException {
        Path refs = Cli.twoCities(dir);
        String ndjson = "{\"id\":1,\"lat\":35,\"lon\":-120}\n";
        Path noExt = Cli.write(dir.resolve("records"), ndjson);
        var sniffed = Cli.run("process", noExt.toString(), "--refs", refs.toString());
        assertThat(sniffed.out()).startsWith("{\"id\":1").contains("\"nearest\"");
        var stdin =
                Cli.runWithInput(ndjson.getBytes(StandardCharsets.UTF_8), "process", "-", "--refs", refs.toString());
        assertThat(stdin.out()).isEqualTo(sniffed.out());
        Path jsonl = Cli.write(dir.resolve("r.jsonl"), ndjson);
        assertThat(Cli.run("process", jsonl.toString(), "--refs", refs.toString())
                        .out())
                .isEqualTo(sniffed.out());
        Path wrongExt = Cli.write(dir.resolve("r.txt"), "id,lat,lon\n1,35,-120\n");
        assertThat(Cli.run("process", wrongExt.toString(), "--refs", refs.toString(), "--format", "csv")
                        .out())
                .endsWith(",la,Los Angeles," + LA_192 + "\n");
    }

    @Test
    void gzipRoundTrip() throws IOException {
        Path refs = Cli.twoCities(dir);
        String csv = "id,lat,lon\n1,37.7749,-122.4194\n2,35,-120\n";
        Path gz = dir.resolve("in.csv.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(csv.getBytes(StandardCharsets.UTF_8));
        }
        Path plainOut = dir.resolve("plain.csv");
        Path gzOut = dir.resolve("out.csv.gz");
        assertThat(Cli.run(
                                "process",
                                Cli.write(dir.resolve("in.csv"), csv).toString(),
                                "--refs",
                                refs.toString(),
                                "--out",
                                plainOut.toString())
                        .code())
                .isZero();
        Cli.process(gz, refs, "--out", gzOut.toString());
        assertThat(gunzip(gzOut)).isEqualTo(Cli.read(plainOut));
        // gzip is recognised by its magic bytes, not the name; a gzipped output can be read back as input
        Path renamed = Files.copy(gzOut, dir.resolve("again.csv"));
        assertThat(Cli.process(renamed, refs)).startsWith("id,lat,lon,nearest_id,nearest_name,distance_km,nearest_id,");
    }

    @Test
    void chunkBoundariesDoNotChangeTheOutput() throws IOException {
        Path refs = Cli.twoCities(dir);
        var text = new StringBuilder("id,\"lat\",lon,note\r\n");
        for (int i = 0; i < 100; i++) {
            text.append(i).append(",\"").append(30 + i % 10).append("\",").append(-120 + i % 7);
            text.append(i % 3 == 0 ? ",\"multi\nline, \"\"quoted\"\"\"" : ",x").append(i % 2 == 0 ? "\r\n" : "\n");
            if (i % 17 == 0) {
                text.append('\n');
            }
        }
        Path in = Cli.write(dir.resolve("in.csv"), text.toString());
        String whole =
                Cli.run("process", in.toString(), "--refs", refs.toString()).out();
        assertThat(whole.lines().filter(l -> l.contains("Los Angeles") || l.contains("San Francisco")))
                .hasSize(100);
        for (String chunk : new String[] {"1", "3", "64"}) {
            var r = Cli.run("process", in.toString(), "--refs", refs.toString(), "--chunk", chunk);
            assertThat(r.out()).as("chunk " + chunk).isEqualTo(whole);
        }
        var json = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            json.append("{\"id\":")
                    .append(i)
                    .append(",\"lat\":")
                    .append(30 + i % 10)
                    .append(",\"lon\":-120}\n");
        }
        Path nd = Cli.write(dir.resolve("in.ndjson"), json.toString());
        String ndWhole =
                Cli.run("process", nd.toString(), "--refs", refs.toString()).out();
        assertThat(Cli.run("process", nd.toString(), "--refs", refs.toString(), "--chunk", "7")
                        .out())
                .isEqualTo(ndWhole);
        Path arr =
                Cli.write(dir.resolve("in.json"), "[" + json.toString().strip().replace("\n", ",\n") + "]");
        String arrWhole =
                Cli.run("process", arr.toString(), "--refs", refs.toString()).out();
        assertThat(Cli.run("process", arr.toString(), "--refs", refs.toString(), "--chunk", "7")
                        .out())
                .isEqualTo(arrWhole);
        assertThat(arrWhole.lines().filter(l -> l.startsWith("{"))).hasSize(50);
    }

    @Test
    void rowsLongerThanABlockAndNoFinalNewline() throws IOException {
        Path refs = Cli.twoCities(dir);
        String big = "x".repeat(3 << 20); // longer than one block of the CSV path
        Path in = Cli.write(
                dir.resolve("in.csv"), "id,lat,lon,blob\n1,35,-120,\"" + big + "\"\n2,35,-120,\"a\nb\"\n3,35,-120,z");
        String out = Cli.process(in, refs, "--chunk", "2");
        String tail = ",la,Los Angeles," + LA_192 + "\n";
        assertThat(out)
                .isEqualTo("id,lat,lon,blob,nearest_id,nearest_name,distance_km\n" + "1,35,-120,\"" + big + "\"" + tail
                        + "2,35,-120,\"a\nb\"" + tail + "3,35,-120,z" + tail);
    }

    @Test
    void strayQuotesInsideUnquotedFieldsDoNotConfuseChunking() throws IOException {
        Path refs = Cli.twoCities(dir);
        var text = new StringBuilder("id,lat,lon,note\n");
        for (int i = 0; i < 30; i++) {
            text.append(i).append(",35,-120,");
            text.append(
                    switch (i % 3) {
                        case 0 -> "a 5\" screen";
                        case 1 -> "\"multi\nline \"\"q\"\"\"";
                        default -> "\"\"";
                    });
            text.append('\n');
        }
        Path in = Cli.write(dir.resolve("in.csv"), text.toString());
        String whole =
                Cli.run("process", in.toString(), "--refs", refs.toString()).out();
        assertThat(whole.split(",la,Los Angeles,", -1)).hasSize(31);
        for (String chunk : new String[] {"1", "2", "5"}) {
            assertThat(Cli.process(in, refs, "--chunk", chunk))
                    .as("chunk " + chunk)
                    .isEqualTo(whole);
        }
    }

    @Test
    void lineNumbersStayRightAcrossChunks() throws IOException {
        Path refs = Cli.twoCities(dir);
        var text = new StringBuilder("id,lat,lon,note\n");
        for (int i = 0; i < 40; i++) {
            text.append(i).append(",35,-120,\"two\nlines\"\n");
        }
        text.append("40,35,oops,x\n");
        Path in = Cli.write(dir.resolve("in.csv"), text.toString());
        for (String chunk : new String[] {"1", "7", "16384"}) {
            var r = Cli.run("process", in.toString(), "--refs", refs.toString(), "--chunk", chunk);
            assertThat(r.code()).isEqualTo(ExitCode.BAD_DATA);
            assertThat(r.err())
                    .as("chunk " + chunk)
                    .contains("in.csv line 82, field 'lon': 'oops' is not a decimal number");
        }
    }

    private static String gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            var b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toString(StandardCharsets.UTF_8);
        }
    }

    /** Writes {@code input} to {@code name}, processes it with the two cities and checks the whole output. */
    private void assertProcessed(String name, String input, String expected, String... options) throws IOException {
        Path in = Cli.write(dir.resolve(name), input);
        assertThat(Cli.process(in, Cli.twoCities(dir), options)).isEqualTo(expected);
    }
}
