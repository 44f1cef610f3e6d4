package meridian.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import meridian.server.MeridianServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Data that would corrupt or silently lose stored state, sent over HTTP; run on each database (subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StorageAttackTest {
    static final String ND = "Content-Type: application/x-ndjson";
    static final String JSON = "Content-Type: application/json";

    MeridianServer server;
    int port;

    abstract String database();

    abstract void dropDatabase();

    @BeforeAll
    void start() throws Exception {
        server = Servers.start(Map.of("db", database()));
        assertThat(server.store().awaitOpen(60_000)).isTrue();
        port = server.httpPort();
    }

    @AfterAll
    void stop() {
        server.stop();
        dropDatabase();
    }

    long user(String email) throws Exception {
        var r = Raw.request(port, "POST", "/users", "{\"name\":\"U\",\"email\":\"" + email + "\"}", JSON);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return Long.parseLong(r.body().replaceAll("^\\{\"id\":(\\d+).*$", "$1"));
    }

    static String event(long id, long user, String value) {
        return "{\"id\":" + id + ",\"user_id\":" + user + ",\"lat\":37.7,\"lon\":-122.4,\"value\":" + value
                + ",\"ts\":\"2001-01-01T00:00:0" + (id % 10) + "Z\"}\n";
    }

    Raw.Response ingest(String body) throws Exception {
        return Raw.request(port, "POST", "/events", body, ND);
    }

    String aggregate(long user) throws Exception {
        var r = Raw.request(port, "GET", "/users/" + user, null);
        assertThat(r.status()).isEqualTo(200);
        return r.body();
    }

    @Test
    void hugeValuesCannotBreakTheAggregates() throws Exception {
        long u = user("huge@example.com");
        Raw.Response r = ingest(event(101, u, "1e308") + event(102, u, "1e308"));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.body())
                .contains("invalid_event")
                .contains("\"field\":\"value\"")
                .contains("\"id\":101");
        assertThat(aggregate(u)).contains("\"count\":0");
        // the largest allowed values, many times: the aggregates stay finite numbers
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            b.append(event(110 + i, u, i % 2 == 0 ? "1e100" : "-1e100"));
        }
        assertThat(ingest(b.toString()).status()).isEqualTo(200);
        String agg = aggregate(u);
        assertThat(agg).contains("\"count\":50").doesNotContain("NaN").doesNotContain("Infinity");
        assertThat(agg).doesNotContainPattern("\"(sum|min|max|mean|stddev)\":\"");
    }

    @Test
    void conflictingIdsAreRefusedAndNothingIsStored() throws Exception {
        long u = user("conflict@example.com");
        long other = user("other@example.com");
        assertThat(ingest(event(201, u, "5")).status()).isEqualTo(200);
        // same id, other value; and same id, other user
        Raw.Response r = ingest(event(202, u, "1") + event(201, u, "6"));
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.body()).contains("event_conflict").contains("201");
        r = ingest(event(201, other, "5"));
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        // nothing of the refused batches was stored: 202 is new now
        assertThat(aggregate(u)).contains("\"count\":1");
        Raw.Response ok = ingest(event(202, u, "1"));
        assertThat(ok.body()).contains("\"accepted\":1");
        // the same id twice in one batch with different content
        r = ingest(event(203, u, "1") + event(203, u, "2"));
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        // a retry with the same content is a duplicate
        Raw.Response retry = ingest(event(201, u, "5") + event(202, u, "1.0"));
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.body()).contains("\"accepted\":0").contains("\"duplicates\":2");
        assertThat(aggregate(u)).contains("\"count\":2").contains("\"sum\":6.0");
    }

    @Test
    void overflowingPayloadProductsAreNullNotStrings() throws Exception {
        Raw.Response r = Raw.request(
                port, "POST", "/enrich", "[{\"id\":1,\"lat\":0,\"lon\":0,\"payload\":[1e308,2,-1e308]}]", JSON);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"payload\":[null,").contains(",null]").doesNotContain("Infinity");
    }

    @Test
    void bannerHidesThePassword() {
        var out = new ByteArrayOutputStream();
        server.printBanner(new PrintStream(out, true, StandardCharsets.UTF_8));
        String banner = out.toString(StandardCharsets.UTF_8);
        assertThat(banner).contains("users and events");
        if (database().contains("password=")) {
            assertThat(banner).doesNotContain(database().replaceAll(".*password=([^&;]*).*", "$1"));
        }
    }

    @Test
    void unreachableDatabaseSaysOnlyThat() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:1/secretdb?user=admin&password=hunter2&connectTimeout=1";
        try (MeridianServer down = Servers.start(Map.of("db", url))) {
            down.store().awaitOpen(30_000);
            Raw.Response r = Raw.request(
                    down.httpPort(), "POST", "/users", "{\"name\":\"A\",\"email\":\"a@example.com\"}", JSON);
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.body())
                    .contains("database_unavailable")
                    .doesNotContain("hunter2")
                    .doesNotContain("secretdb")
                    .doesNotContain("127.0.0.1")
                    .doesNotContain("admin");
            var out = new ByteArrayOutputStream();
            down.printBanner(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("hunter2");
        }
    }
}
