package meridian.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import meridian.core.json.JsonTree;
import meridian.testkit.TwoCities;

/** Starting servers on ephemeral ports, talking to them, and waiting for conditions with a deadline. */
final class TestServers {
    private TestServers() {}

    /** Test defaults: loopback, ephemeral ports, generous admission wait so a busy CI box does not 503. */
    static ServerConfig config(int permits, int maxInFlight, long admissionWaitMs, long maxBody, long deadlineMs) {
        return ServerConfig.defaultConfig()
                .with(ServerConfig.PORT, 0)
                .with(ServerConfig.TCP_PORT, -1)
                .with(ServerConfig.REFS, "sf-la")
                .with(ServerConfig.CPU_PERMITS, permits)
                .with(ServerConfig.MAX_IN_FLIGHT, maxInFlight)
                .with(ServerConfig.ADMISSION_WAIT_MS, admissionWaitMs)
                .with(ServerConfig.MAX_BODY_BYTES, maxBody)
                .with(ServerConfig.REQUEST_DEADLINE_MS, deadlineMs)
                .with(ServerConfig.GRACE_MS, 5000L)
                .with(ServerConfig.TCP_MAX_LINE_BYTES, 1 << 16)
                .with(ServerConfig.DB, "off")
                .with(ServerConfig.SMALL_BODY_BYTES, 0); // every /enrich through admission and the CPU pool
    }

    static MeridianServer start(ServerConfig config) throws IOException {
        return MeridianServer.start(config, TwoCities.set());
    }

    static MeridianServer start() throws IOException {
        return start(config(2, 64, 30_000, 64L << 20, 60_000));
    }

    /** An embedded H2 database in PostgreSQL mode, in file {@code name} under {@code dir}. */
    static String h2(Path dir, String name) {
        return "jdbc:h2:file:" + dir.resolve(name).toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;NON_KEYWORDS=VALUE;WRITE_DELAY=0";
    }

    /** A started server whose users and events live in an embedded database under {@code dir}, open. */
    static MeridianServer startWithUsers(Path dir) throws IOException, InterruptedException {
        MeridianServer server = start(config(2, 64, 30_000, 1 << 20, 60_000).with(ServerConfig.DB, h2(dir, "users")));
        assertThat(server.store().awaitOpen(60_000)).isTrue();
        return server;
    }

    static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    static URI uri(MeridianServer s, String path) {
        return URI.create("http://127.0.0.1:" + s.httpPort() + path);
    }

    static HttpResponse<String> get(HttpClient c, MeridianServer s, String path)
            throws IOException, InterruptedException {
        return c.send(HttpRequest.newBuilder(uri(s, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(HttpClient c, MeridianServer s, String path, String body)
            throws IOException, InterruptedException {
        return c.send(jsonPost(s, path, body), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code method path}; no body when {@code body} is null, no Content-Type when {@code contentType} is. */
    static HttpResponse<String> send(
            HttpClient c, MeridianServer s, String method, String path, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(s, path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Holds every chunk that reaches the CPU stage of {@code s} until the returned latch is counted down. */
    static CountDownLatch holdCpuStage(MeridianServer s) {
        CountDownLatch release = new CountDownLatch(1);
        s.service().chunkListener(release::await);
        return release;
    }

    /** {@link #post}, answered later: for a request a test holds in the CPU stage. */
    static CompletableFuture<HttpResponse<String>> postAsync(HttpClient c, MeridianServer s, String path, String body) {
        return c.sendAsync(jsonPost(s, path, body), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest jsonPost(MeridianServer s, String path, String body) {
        return HttpRequest.newBuilder(uri(s, path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    static Object json(String text) {
        return JsonTree.parse(text, "response");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String text) {
        return (Map<String, Object>) json(text);
    }

    /** Asserts an error body: {"error": code, "message": non-empty, "detail": {...}}. */
    static Map<String, Object> assertError(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        Map<String, Object> m = object(r.body());
        assertThat(m.get("error")).isEqualTo(code);
        assertThat((String) m.get("message")).isNotBlank();
        assertThat(m.get("detail")).isInstanceOf(Map.class);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        @SuppressWarnings("unchecked")
        Map<String, Object> detail = (Map<String, Object>) m.get("detail");
        return detail;
    }

    /** Polls {@code condition} until true or 20 s have passed (then fails with {@code what}). */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(2); // polling interval, not a wait for time to pass
        }
    }

    /** The enrich_10k body: id 0..n-1, lat = 35 + id % 10, lon = -120 + id % 5, payload 64 x 1.0. */
    static String body(int n) {
        StringBuilder sb = new StringBuilder(n * 320);
        sb.append('[');
        for (int id = 0; id < n; id++) {
            if (id > 0) {
                sb.append(',');
            }
            sb.append("{\"id\":")
                    .append(id)
                    .append(",\"point\":{\"lat\":")
                    .append(35.0 + id % 10)
                    .append(",\"lon\":")
                    .append(-120.0 + id % 5)
                    .append("},\"payload\":[");
            for (int j = 0; j < 64; j++) {
                sb.append(j == 0 ? "1.0" : ",1.0");
            }
            sb.append("]}");
        }
        return sb.append(']').toString();
    }
}
