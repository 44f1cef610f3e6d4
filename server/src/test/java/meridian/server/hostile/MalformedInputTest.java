package meridian.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import meridian.server.MeridianServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numbers of 5,000 digits, nesting 2,000 deep, broken encodings and bad JSON on every route and on the TCP
 * stream: always a 4xx JSON error with a stable code (never 499 or 500), and on TCP an error line in place
 * of the bad line while the lines around it are answered.
 */
class MalformedInputTest {
    @TempDir
    static Path dir;

    static MeridianServer server;
    static int port;
    static final String LONG = Raw.longNumber(5000);
    static final String DEEP = Raw.nested(2000);

    @BeforeAll
    static void start() throws Exception {
        server = Servers.start(Map.of("db", Servers.h2(dir)));
        assertThat(server.store().awaitOpen(60_000)).isTrue();
        port = server.httpPort();
        var u = Raw.request(
                port,
                "POST",
                "/users",
                "{\"name\":\"M\",\"email\":\"m@example.com\"}",
                "Content-Type: application/json");
        assertThat(u.status()).as(u.body()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static void assertBad(Raw.Response r, String what, String... codes) {
        assertThat(r.status()).as(what + ": " + r.body()).isEqualTo(400);
        assertThat(r.header("Content-Type")).as(what).startsWith("application/json");
        assertThat(r.body()).as(what).startsWith("{\"error\":\"");
        if (codes.length > 0) {
            assertThat(codes).as(what + ": " + r.body()).anyMatch(c -> r.body().contains("\"error\":\"" + c + "\""));
        }
    }

    private static Raw.Response postJson(String path, String body) throws Exception {
        return Raw.request(port, "POST", path, body, "Content-Type: application/json");
    }

    /** A JSON body past the parser's limits (number length, nesting depth) on {@code path}. */
    private static void assertOverJsonLimit(String path, String body, String what) throws Exception {
        Raw.Response r = postJson(path, body);
        assertBad(r, what, "json_limit_exceeded");
        // a real place in the body or none: the limits' errors carry no location of their own
        assertThat(r.body()).as(what).doesNotContain("\"line\":0");
    }

    @Test
    void enrich() throws Exception {
        String json = "Content-Type: application/json";
        assertOverJsonLimit("/enrich", "[{\"id\":1,\"lat\":" + LONG + ",\"lon\":2}]", "long number");
        assertOverJsonLimit("/enrich", "[{\"id\":" + LONG + ",\"lat\":1,\"lon\":2}]", "long id");
        assertOverJsonLimit("/enrich", "[{\"id\":1,\"lat\":1,\"lon\":2,\"x\":" + DEEP + "}]", "deep nesting");
        assertBad(postJson("/enrich", DEEP), "deep array");
        assertBad(postJson("/enrich", "[{\"id\":1,"), "cut short");
        for (int b : new int[] {0x00, 0x22, 0x5b, 0x7b, 0xef, 0xfe, 0xff}) {
            assertBad(Raw.bytes(port, "POST", "/enrich", new byte[] {(byte) b}, json), "one byte " + b);
        }
        assertBad(
                Raw.bytes(port, "POST", "/enrich", new byte[] {(byte) 0xfe, (byte) 0xff, 0, '['}, json),
                "UTF-16 mark, odd length");
    }

    @Test
    void users() throws Exception {
        String json = "Content-Type: application/json";
        assertOverJsonLimit("/users", "{\"name\":" + LONG + ",\"email\":\"a@b.c\"}", "long number");
        assertOverJsonLimit("/users", "{\"x\":" + DEEP + ",\"name\":\"a\",\"email\":\"a@b.c\"}", "deep");
        assertBad(Raw.bytes(port, "POST", "/users", new byte[] {(byte) 0xfe}, json), "one byte");
        assertBad(Raw.request(port, "PUT", "/users/1", "{\"name\":" + DEEP + "}", json), "deep update");
    }

    @Test
    void events() throws Exception {
        String nd = "Content-Type: application/x-ndjson";
        String base = "{\"id\":1,\"user_id\":1,\"lat\":1,\"lon\":1,\"ts\":\"2001-01-01T00:00:00Z\",\"value\":";
        assertBad(Raw.request(port, "POST", "/events", base + LONG + "}\n", nd), "long number", "json_limit_exceeded");
        assertBad(Raw.request(port, "POST", "/events", base + "1,\"x\":" + DEEP + "}\n", nd), "deep");
        assertBad(Raw.bytes(port, "POST", "/events", new byte[] {0}, nd), "one byte");
        assertBad(Raw.request(port, "POST", "/events", base + "1e999}\n", nd), "infinite value", "invalid_event");
        assertBad(Raw.request(port, "POST", "/events", base + "\"NaN\"}\n", nd), "NaN string", "invalid_event");
    }

    @Test
    void referenceSets() throws Exception {
        assertBad(
                Raw.request(port, "PUT", "/refsets/deep", DEEP, "Content-Type: application/geo+json"),
                "deep GeoJSON",
                "invalid_json");
        String feature = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
                + "{\"name\":\"A\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[" + LONG + ",1]}}]}";
        Raw.Response r = Raw.request(port, "PUT", "/refsets/long", feature, "Content-Type: application/geo+json");
        assertThat(r.status()).as(r.body()).isBetween(400, 499);
        Raw.Response csv = Raw.request(
                port, "PUT", "/refsets/longcsv", "id,name,lat,lon\na,A," + LONG + ",1\n", "Content-Type: text/csv");
        assertThat(csv.status()).as(csv.body()).isBetween(400, 499);
        assertThat(server.registry().names()).containsExactly("sf-la");
    }

    @Test
    void tcpAnswersEveryLineAndKeepsServing() throws Exception {
        List<String> lines = List.of(
                "{\"id\":1,\"lat\":37.7,\"lon\":-122.4}",
                "{\"id\":2,\"lat\":" + LONG + ",\"lon\":1}",
                "{\"id\":3,\"lat\":1,\"lon\":1,\"x\":" + DEEP + "}",
                "{bad json",
                "{\"id\":5,\"lat\":34,\"lon\":-118}",
                "{\"id\":6,\"lat\":1,\"lon\":1,\"pad\":\"" + "x".repeat(70_000) + "\"}",
                "{\"id\":7,\"lat\":34,\"lon\":-118}",
                "\u0000\u00ff",
                "{\"id\":9,\"lat\":37.7,\"lon\":-122.4}");
        try (Socket s = new Socket("127.0.0.1", server.tcpPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            for (String l : lines) {
                out.write((l + "\n").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                String a = in.readLine();
                assertThat(a)
                        .as("answer to line " + (i + 1) + " after " + answers)
                        .isNotNull();
                answers.add(a);
            }
            for (int good : new int[] {1, 5, 7, 9}) {
                assertThat(answers.get(good - 1)).as("line " + good).contains("\"nearest\"");
            }
            for (int bad : new int[] {2, 3, 4, 6, 8}) {
                assertThat(answers.get(bad - 1))
                        .as("line " + bad)
                        .startsWith("{\"error\":")
                        .contains("\"line\":" + bad);
            }
            assertThat(answers.get(1)).contains("json_limit_exceeded");
            assertThat(answers.get(5)).contains("line_too_long");
            // still serving
            out.write("{\"id\":10,\"lat\":1,\"lon\":1}\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertThat(in.readLine()).contains("\"id\":10");
        }
    }
}
