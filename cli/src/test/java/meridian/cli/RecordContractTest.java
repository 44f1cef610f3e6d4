package meridian.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import meridian.server.MeridianServer;
import meridian.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same records through POST /enrich, the TCP endpoint and {@code process --format ndjson}: the same bytes. */
class RecordContractTest {
    @TempDir
    Path dir;

    /** Unknown fields, nested values, payloads, numbers whose text a double would change, odd orders. */
    private static final List<String> RECORDS = List.of(
            "{\"id\":12345678901234567,\"point\":{\"lat\":37.7749,\"lon\":-122.4194},\"payload\":[1e-7,-0.0,2]}",
            "{\"tag\":{\"a\":[1,{\"b\":null}],\"c\":\"\\u00e9\\\"x\\\"\"},\"lon\":-120,\"lat\":35.0,\"n\":-0.0}",
            "{ \"payload\" : [ 1.5E3 ], \"id\" : \"abc\" , \"point\" : { \"lon\" : -118.2437 , \"lat\" : 34.0522 , \"alt\" : 1e-7 } }",
            "{\"lat\":0,\"lon\":0,\"nearest\":\"stale\",\"big\":123456789012345678901234567890,\"f\":false,\"e\":[]}",
            "{\"id\":18446744073709551615,\"lat\":-90,\"lon\":180,\"payload\":null}");

    @Test
    void enrichTcpAndProcessGiveTheSameBytes() throws Exception {
        Path refs = Cli.twoCities(dir);
        ServerConfig config = config(refs);
        String http;
        String tcp;
        try (MeridianServer server = MeridianServer.start(config)) {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> r = postRecords(client, "http://127.0.0.1:" + server.httpPort() + "/enrich");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            http = r.body();
            tcp = overTcp(server);
        }
        String processed = processed(refs);

        List<String> lines = processed.lines().toList();
        assertThat(lines).hasSize(RECORDS.size());
        assertThat(tcp).isEqualTo(processed);
        assertThat(http).isEqualTo("[\n" + String.join(",\n", lines) + "\n]\n");
        // and the bytes are the contract's, checked by hand for the first two records
        assertThat(lines.get(0))
                .isEqualTo("{\"id\":12345678901234567,\"point\":{\"lat\":37.7749,\"lon\":-122.4194},"
                        + "\"payload\":[0.0,-0.0,0.0],"
                        + "\"nearest\":{\"id\":\"sf\",\"name\":\"San Francisco\",\"distance_km\":0.000000}}");
        assertThat(lines.get(1))
                .startsWith(
                        "{\"tag\":{\"a\":[1,{\"b\":null}],\"c\":\"é\\\"x\\\"\"},\"lon\":-120,\"lat\":35.0,\"n\":-0.0,"
                                + "\"nearest\":{\"id\":\"la\",");
        assertThat(lines.get(2)).startsWith("{\"payload\":[").contains("\"alt\":1e-7");
        assertThat(lines.get(3)).contains("\"big\":123456789012345678901234567890,\"f\":false,\"e\":[],\"nearest\":{");
        assertThat(lines.get(4)).startsWith("{\"id\":18446744073709551615,\"lat\":-90,\"lon\":180,\"payload\":null,");
    }

    /** The same with the country: /enrich?country=true, the TCP stream with tcp-country, process --country. */
    @Test
    void withTheCountryTheFacesStillAgree() throws Exception {
        Path refs = Cli.twoCities(dir);
        ServerConfig config = config(refs).with(ServerConfig.TCP_COUNTRY, true);
        String http;
        String tcp;
        String countries;
        try (MeridianServer server = MeridianServer.start(config)) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.httpPort();
            // the boundaries load in the background on the first question, which waits for them
            HttpResponse<String> r = postRecords(client, base + "/enrich?country=true");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            http = r.body();
            countries = client.send(
                            HttpRequest.newBuilder(URI.create(base + "/countries"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            tcp = overTcp(server);
        }
        String processed = processed(refs, "--country");
        List<String> lines = processed.lines().toList();
        assertThat(tcp).isEqualTo(processed);
        assertThat(http).isEqualTo("[\n" + String.join(",\n", lines) + "\n]\n");
        assertThat(lines.get(0))
                .endsWith(
                        "\"distance_km\":0.000000},"
                                + "\"country\":{\"alpha2\":\"US\",\"alpha3\":\"USA\",\"name\":\"United States of America\",\"km\":0.000000}}");
        assertThat(lines.get(3)).endsWith(",\"country\":null}"); // 0, 0: the Gulf of Guinea, far from any coast
        assertThat(countries).startsWith("{\"count\":255,");
        assertThat(countries.split("\"unit\":", -1)).hasSize(256);
    }

    /** A server on ephemeral ports with the given reference set and no database. */
    private static ServerConfig config(Path refs) {
        return ServerConfig.defaultConfig()
                .with(ServerConfig.PORT, 0)
                .with(ServerConfig.TCP_PORT, -1)
                .with(ServerConfig.REFS, refs.toString())
                .with(ServerConfig.DB, "off");
    }

    /** The records as one JSON array. */
    private static HttpResponse<String> postRecords(HttpClient client, String url) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("[" + String.join(",\n", RECORDS) + "]"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The records as lines on the TCP endpoint; everything it answers until it closes. */
    private static String overTcp(MeridianServer server) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.tcpPort())) {
            OutputStream out = s.getOutputStream();
            out.write((String.join("\n", RECORDS) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The records as an NDJSON file through {@code process}. */
    private String processed(Path refs, String... options) throws Exception {
        Path in = Cli.write(dir.resolve("in.txt"), String.join("\n", RECORDS) + "\n");
        String[] all = new String[options.length + 3];
        all[0] = "--format";
        all[1] = "ndjson";
        all[2] = "--quiet";
        System.arraycopy(options, 0, all, 3, options.length);
        return Cli.process(in, refs, all);
    }
}
