package meridian.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import meridian.testkit.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL goes away while clients stream events: they get clear 503s with Retry-After (never another
 * error, never a hang), enrichment keeps serving, and once the database is back every event the clients
 * kept retrying is counted exactly once.
 */
@Tag("slow") // run by Failsafe in verify, not by mvn test
class PostgresOutageHttpTest {
    static final int CLIENTS = 4;
    static final int BATCH = 50;

    private String database;
    private MeridianServer server;

    @BeforeEach
    void start() throws Exception {
        database = TestDatabases.createPostgres("meridian_outage");
        server = TestServers.start(TestServers.config(2, 64, 30_000, 1 << 20, 60_000)
                .with(ServerConfig.DB, TestDatabases.postgresUrl(database)));
        assertThat(server.store().awaitOpen(60_000)).isTrue();
    }

    @AfterEach
    void stop() {
        server.stop();
        TestDatabases.admin("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
        TestDatabases.dropPostgres(database);
    }

    private void takeDown() {
        TestDatabases.admin("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
        TestDatabases.admin(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
    }

    private void bringBack() {
        TestDatabases.admin("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void outageGivesClear503sAndFullRecovery() throws Exception {
        HttpClient http = TestServers.client();
        var created = TestServers.post(http, server, "/users", "{\"name\":\"Load\",\"email\":\"load@example.com\"}");
        long user = ((Number) TestServers.object(created.body()).get("id")).longValue();

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger nextBatch = new AtomicInteger();
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        List<String> bad503 = new ArrayList<>();
        LongAdder acknowledged = new LongAdder();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            clients.add(Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    int b = nextBatch.getAndIncrement();
                    String body = batch(b, user);
                    while (true) { // retry this batch until it is acknowledged
                        HttpResponse<String> r;
                        try {
                            r = TestServers.post(http, server, "/events", body);
                        } catch (Exception e) {
                            statuses.computeIfAbsent(-1, k -> new LongAdder()).increment();
                            continue;
                        }
                        statuses.computeIfAbsent(r.statusCode(), k -> new LongAdder())
                                .increment();
                        if (r.statusCode() == 200) {
                            acknowledged.add(BATCH);
                            break;
                        }
                        if (r.statusCode() == 503
                                && (r.headers().firstValue("Retry-After").isEmpty()
                                        || !r.body().contains("\"database_unavailable\""))) {
                            synchronized (bad503) {
                                bad503.add(r.body());
                            }
                        }
                        if (r.statusCode() != 503) {
                            break; // recorded; asserted below
                        }
                    }
                }
            }));
        }
        await(() -> count(statuses, 200) >= 20, "events flowing before the outage");
        takeDown();
        await(() -> count(statuses, 503) >= CLIENTS, "503s during the outage");
        var enrich = TestServers.post(http, server, "/enrich", "[{\"id\":1,\"point\":{\"lat\":35.0,\"lon\":-120.0}}]");
        assertThat(enrich.statusCode())
                .as("enrichment does not need the database")
                .isEqualTo(200);
        assertThat(TestServers.object(TestServers.get(http, server, "/health").body()))
                .containsEntry("ready", true);
        long okBeforeRecovery = count(statuses, 200);
        bringBack();
        await(() -> count(statuses, 200) >= okBeforeRecovery + 20, "events flowing again after the outage");
        running.set(false);
        for (Thread t : clients) {
            t.join();
        }

        assertThat(statuses.keySet()).as("only 200 and 503: %s", statuses).containsOnly(200, 503);
        assertThat(bad503).as("every 503 says why and when to retry").isEmpty();
        var details = TestServers.object(
                TestServers.get(http, server, "/users/" + user).body());
        @SuppressWarnings("unchecked")
        var agg = (Map<String, Object>) details.get("aggregate");
        assertThat(((Number) agg.get("count")).longValue())
                .as("every batch retried until acknowledged is counted once")
                .isEqualTo(acknowledged.sum())
                .isEqualTo((long) nextBatch.get() * BATCH);
    }

    private static long count(Map<Integer, LongAdder> statuses, int status) {
        LongAdder a = statuses.get(status);
        return a == null ? 0 : a.sum();
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(end);
            Thread.sleep(10); // polling a condition with a deadline
        }
    }

    private static String batch(int b, long user) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < BATCH; i++) {
            long id = (long) b * BATCH + i + 1;
            sb.append(i == 0 ? "" : ",")
                    .append("{\"id\":")
                    .append(id)
                    .append(",\"user_id\":")
                    .append(user)
                    .append(",\"lat\":35.0,\"lon\":-120.0,\"value\":1,\"ts\":\"2001-01-01T00:00:00\"}");
        }
        return sb.append(']').toString();
    }
}
