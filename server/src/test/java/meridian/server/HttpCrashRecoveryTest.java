package meridian.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 the service while a client streams events over HTTP with retries; restart it; at the end every
 * event the client saw acknowledged is counted exactly once in its user's aggregate. The client keeps its
 * own log (event id, user, value) and checks the service against it, user by user.
 */
@Tag("slow") // run by Failsafe in verify, not by mvn test
@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
abstract class HttpCrashRecoveryTest {
    static final int USERS = 4;
    static final int BATCHES = 30;
    static final int BATCH_SIZE = 150;

    @TempDir
    Path dir;

    /** The {@code --db} value of a fresh database. */
    abstract String db();

    record Ev(long id, long user, double value) {}

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void acknowledgedEventsSurviveKillNineAndAreCountedOnce() throws Exception {
        long seed = Seeds.seed();
        Random rnd = new Random(seed);
        Path refs = dir.resolve("refs.csv");
        Files.writeString(
                refs, "id,name,lat,lon\nsf,San Francisco,37.7749,-122.4194\nla,Los Angeles,34.0522,-118.2437\n");
        Path log = dir.resolve("server.log");
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        ChildServer server = ChildServer.start(db(), refs, log);
        try {
            run(rnd, http, refs, log, server);
        } finally {
            for (ChildServer c : children) {
                c.process.destroyForcibly(); // whatever happened, no child outlives the test
            }
        }
    }

    private final List<ChildServer> children = new ArrayList<>();

    private ChildServer restart(Path refs, Path log) throws IOException {
        ChildServer c = ChildServer.start(db(), refs, log);
        children.add(c);
        return c;
    }

    private void run(Random rnd, HttpClient http, Path refs, Path log, ChildServer first) throws Exception {
        children.add(first);
        ChildServer server = first;
        List<Long> users = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            var r = until(
                    http,
                    server,
                    "POST",
                    "/users",
                    "{\"name\":\"user " + u + "\",\"email\":\"u" + u + "@example.com\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            users.add(((Number) TestServers.object(r.body()).get("id")).longValue());
        }

        Map<Long, Ev> acked = new LinkedHashMap<>(); // the client's log of acknowledged events
        long nextId = 1;
        int kills = 0;
        for (int b = 0; b < BATCHES; b++) {
            List<Ev> batch = new ArrayList<>();
            for (int i = 0; i < BATCH_SIZE; i++) {
                if (!acked.isEmpty() && rnd.nextInt(25) == 0) {
                    batch.add(acked.get(1 + (long) rnd.nextInt(acked.size()))); // a resend: still counted once
                } else {
                    batch.add(new Ev(nextId++, users.get(rnd.nextInt(USERS)), rnd.nextInt(2001) - 1000));
                }
            }
            String body = body(batch);
            boolean killDuring = b % 7 == 3;
            boolean killAfter = b % 7 == 5;
            while (true) { // the client's retry loop: resend the same batch until it is acknowledged
                Thread killer = null;
                if (killDuring) {
                    ChildServer victim = server;
                    long delayMs = rnd.nextInt(15);
                    killer = Thread.ofVirtual().start(() -> {
                        try {
                            Thread.sleep(delayMs);
                            victim.killHard();
                        } catch (InterruptedException ignored) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    killDuring = false;
                    kills++;
                }
                HttpResponse<String> r = null;
                try {
                    r = send(http, server, "POST", "/events", body);
                } catch (IOException e) {
                    // connection refused or reset: the server died
                }
                if (killer != null) {
                    killer.join();
                }
                if (r != null && r.statusCode() == 200) {
                    for (Ev e : batch) {
                        acked.putIfAbsent(e.id(), e);
                    }
                    break;
                }
                if (r != null) {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(503); // only "not yet", never a wrong answer
                }
                if (!server.process.isAlive()) {
                    server = restart(refs, log);
                }
            }
            if (killAfter) {
                server.killHard();
                kills++;
                server = restart(refs, log);
            }
        }
        assertThat(kills).isGreaterThanOrEqualTo(8);

        Map<Long, List<Ev>> byUser = new HashMap<>();
        for (Ev e : acked.values()) {
            byUser.computeIfAbsent(e.user(), k -> new ArrayList<>()).add(e);
        }
        long total = 0;
        for (long u : users) {
            var r = until(http, server, "GET", "/users/" + u, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            @SuppressWarnings("unchecked")
            Map<String, Object> agg =
                    (Map<String, Object>) TestServers.object(r.body()).get("aggregate");
            List<Ev> mine = byUser.getOrDefault(u, List.of());
            double sum = mine.stream().mapToDouble(Ev::value).sum();
            assertThat(((Number) agg.get("count")).longValue()).as("user %d", u).isEqualTo(mine.size());
            assertThat(((Number) agg.get("sum")).doubleValue()).as("user %d", u).isCloseTo(sum, within(1e-6));
            total += mine.size();
        }
        assertThat(total).isEqualTo(nextId - 1);
        assertThat(server.stop()).isZero();
    }

    private static String body(List<Ev> batch) {
        StringBuilder sb = new StringBuilder("[");
        for (Ev e : batch) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append("{\"id\":")
                    .append(e.id())
                    .append(",\"user_id\":")
                    .append(e.user())
                    .append(",\"point\":{\"lat\":35.0,\"lon\":-120.0},\"value\":")
                    .append(e.value())
                    .append(",\"ts\":\"2001-01-01T00:00:")
                    .append(String.format("%02d", e.id() % 60))
                    .append("\"}");
        }
        return sb.append(']').toString();
    }

    private static HttpResponse<String> send(HttpClient http, ChildServer s, String method, String path, String body)
            throws IOException, InterruptedException {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port + path))
                .timeout(Duration.ofSeconds(20));
        b.header("Content-Type", "application/json");
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Retries while the store is still opening (503), with a deadline. */
    private static HttpResponse<String> until(HttpClient http, ChildServer s, String method, String path, String body)
            throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            var r = send(http, s, method, path, body);
            if (r.statusCode() != 503 || System.nanoTime() > end) {
                return r;
            }
            Thread.sleep(20); // polling the service's readiness, bounded by the deadline above
        }
    }
}
