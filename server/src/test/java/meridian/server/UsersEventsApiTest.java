package meridian.server;

import static meridian.server.TestServers.assertError;
import static meridian.server.TestServers.get;
import static meridian.server.TestServers.object;
import static meridian.server.TestServers.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import meridian.core.geo.Earth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users and events over real HTTP against a started server with an embedded database. */
class UsersEventsApiTest {
    @TempDir
    static Path dir;

    static MeridianServer server;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.startWithUsers(dir);
        http = TestServers.client();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static long createUser(String name, String email) throws Exception {
        var r = post(http, server, "/users", "{\"name\":\"" + name + "\",\"email\":\"" + email + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("Location")).isPresent();
        return ((Number) object(r.body()).get("id")).longValue();
    }

    static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return TestServers.send(http, server, method, path, "application/json", body);
    }

    @Test
    void userLifecycle() throws Exception {
        long id = createUser("Grace", "grace@example.com");
        var got = object(get(http, server, "/users/" + id).body());
        assertThat(got).containsEntry("name", "Grace").containsEntry("email", "grace@example.com");
        @SuppressWarnings("unchecked")
        var agg = (Map<String, Object>) got.get("aggregate");
        assertThat(((Number) agg.get("count")).longValue()).isZero();
        assertThat(agg.get("mean")).isNull();

        var updated = send("PUT", "/users/" + id, "{\"name\":\"Grace H\",\"email\":\"grace@example.com\"}");
        assertThat(updated.statusCode()).isEqualTo(200);
        assertThat(object(updated.body())).containsEntry("name", "Grace H");

        assertThat(send("DELETE", "/users/" + id, "").statusCode()).isEqualTo(200);
        assertError(get(http, server, "/users/" + id), 404, "user_not_found");
        assertError(send("DELETE", "/users/" + id, ""), 404, "user_not_found");
    }

    @Test
    void badUsersAreClearErrors() throws Exception {
        assertError(post(http, server, "/users", "{\"name\":\"X\"}"), 400, "invalid_user");
        assertError(post(http, server, "/users", "{\"name\":\"X\",\"email\":\"not-an-email\"}"), 400, "invalid_user");
        assertError(post(http, server, "/users", "[1]"), 400, "invalid_user");
        assertError(post(http, server, "/users", "{\"name\": "), 400, "invalid_json");
        assertError(get(http, server, "/users/abc"), 400, "invalid_id");
        assertError(get(http, server, "/users?limit=0"), 400, "invalid_option");
        createUser("Dup", "dup@example.com");
        assertError(
                post(http, server, "/users", "{\"name\":\"Dup2\",\"email\":\"dup@example.com\"}"), 409, "email_taken");
    }

    @Test
    void keysetPaginationVisitsEveryUserOnce() throws Exception {
        List<Long> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(createUser("Page " + i, "page" + i + "@example.com"));
        }
        List<Long> seen = new ArrayList<>();
        Object after = 0;
        while (after != null) {
            var page = object(get(http, server, "/users?limit=3&after=" + after).body());
            @SuppressWarnings("unchecked")
            var users = (List<Map<String, Object>>) page.get("users");
            assertThat(users.size()).isLessThanOrEqualTo(3);
            users.forEach(u -> seen.add(((Number) u.get("id")).longValue()));
            after = page.get("next_after") == null ? null : ((Number) page.get("next_after")).longValue();
        }
        assertThat(seen).containsAll(created).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void eventsAreFoldedIntoAggregatesOnceEvenWhenSentTwice() throws Exception {
        long user = createUser("Events", "events@example.com");
        Random rnd = new Random(11);
        StringBuilder array = new StringBuilder("[");
        StringBuilder ndjson = new StringBuilder();
        double sum = 0, min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        int n = 200;
        double lastLat = 0, lastLon = 0;
        for (int i = 0; i < n; i++) {
            double lat = rnd.nextDouble(33, 39), lon = rnd.nextDouble(-123, -117), v = rnd.nextInt(1000) - 500;
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
            lastLat = lat;
            lastLon = lon;
            String ev = "{\"id\":" + (100_000 + i) + ",\"user_id\":" + user + ",\"point\":{\"lat\":" + lat + ",\"lon\":"
                    + lon + "},\"value\":" + v + ",\"ts\":\"2001-02-03T04:" + String.format("%02d:%02d", i / 60, i % 60)
                    + "\"}";
            (i < n / 2
                            ? array.append(array.length() > 1 ? "," : "").append(ev)
                            : ndjson.append(ev).append('\n'))
                    .toString();
        }
        array.append(']');
        var first = object(post(http, server, "/events", array.toString()).body());
        assertThat(first).containsEntry("accepted", 100.0).containsEntry("duplicates", 0.0);
        var second = object(post(http, server, "/events", ndjson.toString()).body());
        assertThat(second).containsEntry("accepted", 100.0);
        var again = object(post(http, server, "/events", array.toString()).body());
        assertThat(again).containsEntry("accepted", 0.0).containsEntry("duplicates", 100.0);

        @SuppressWarnings("unchecked")
        var agg = (Map<String, Object>)
                object(get(http, server, "/users/" + user).body()).get("aggregate");
        assertThat(((Number) agg.get("count")).longValue()).isEqualTo(n);
        assertThat(((Number) agg.get("sum")).doubleValue()).isCloseTo(sum, within(1e-9));
        assertThat(((Number) agg.get("min")).doubleValue()).isEqualTo(min);
        assertThat(((Number) agg.get("max")).doubleValue()).isEqualTo(max);
        assertThat(((Number) agg.get("mean")).doubleValue()).isCloseTo(sum / n, within(1e-9));
        assertThat(agg.get("first_ts")).isEqualTo("2001-02-03T04:00:00");
        assertThat(agg.get("last_ts")).isEqualTo("2001-02-03T04:03:19");
        @SuppressWarnings("unchecked")
        var place = (Map<String, Object>) agg.get("last_place");
        double toSf = Earth.haversineKm(lastLat, lastLon, 37.7749, -122.4194);
        double toLa = Earth.haversineKm(lastLat, lastLon, 34.0522, -118.2437);
        assertThat(place.get("id")).isEqualTo(toSf < toLa ? "sf" : "la");
        assertThat(((Number) place.get("distance_km")).doubleValue()).isCloseTo(Math.min(toSf, toLa), within(1e-9));
    }

    @Test
    void badEventsAreRejectedWholeWithTheirPositionAndField() throws Exception {
        long user = createUser("Strict", "strict@example.com");
        String good = "{\"id\":900001,\"user_id\":" + user
                + ",\"lat\":1,\"lon\":1,\"value\":1,\"ts\":\"2001-01-01T00:00:00\"}";
        var bad = post(
                http,
                server,
                "/events",
                "[" + good + ",\n{\"id\":900002,\"user_id\":" + user
                        + ",\"lat\":\"north\",\"lon\":1,\"value\":1,\"ts\":\"2001-01-01T00:00:00\"}]");
        var detail = assertError(bad, 400, "invalid_event");
        assertThat(detail)
                .containsEntry("index", 1.0)
                .containsEntry("line", 2.0)
                .containsEntry("field", "lat");
        assertThat(object(bad.body()).get("message").toString()).contains("event 1 (line 2)", "field 'lat'");
        assertError(post(http, server, "/events", "[{\"id\":1,\"user_id\":" + user + "}]"), 400, "invalid_event");
        assertError(post(http, server, "/events", "[" + good + ","), 400, "invalid_json");
        var unknown = assertError(
                post(http, server, "/events", "[" + good.replace("\"user_id\":" + user, "\"user_id\":987654") + "]"),
                400,
                "unknown_user");
        assertThat(unknown.get("user_ids").toString()).contains("987654");
        @SuppressWarnings("unchecked")
        var agg = (Map<String, Object>)
                object(get(http, server, "/users/" + user).body()).get("aggregate");
        assertThat(((Number) agg.get("count")).longValue())
                .as("nothing of a rejected batch is stored")
                .isZero();
    }

    @Test
    void epochSecondsMillisecondsAndIsoTimestampsAreOneRule() throws Exception {
        long user = createUser("Epoch", "epoch@example.com");
        // 2023-11-14T22:13:21Z as epoch seconds (a number and a string), ISO text, and then one hour later
        // in epoch milliseconds: the last is the latest, whatever the notation
        String events = "[{\"id\":800001,\"user_id\":" + user + ",\"lat\":1,\"lon\":1,\"value\":1,\"ts\":1700000001},"
                + "{\"id\":800002,\"user_id\":" + user + ",\"lat\":1,\"lon\":1,\"value\":2,\"ts\":1700003601000},"
                + "{\"id\":800003,\"user_id\":" + user + ",\"lat\":1,\"lon\":1,\"value\":3,\"ts\":\"1700000000\"},"
                + "{\"id\":800004,\"user_id\":" + user
                + ",\"lat\":1,\"lon\":1,\"value\":4,\"ts\":\"2023-11-14T23:13:22+01:00\"}]";
        var r = post(http, server, "/events", events);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        var agg = (Map<String, Object>)
                object(get(http, server, "/users/" + user).body()).get("aggregate");
        assertThat(agg.get("first_ts")).isEqualTo("1700000000");
        assertThat(agg.get("last_ts")).isEqualTo("1700003601000");

        for (String ts : new String[] {"true", "\"1.7e9\"", "\"yesterday\"", "{}"}) {
            var detail = assertError(
                    post(
                            http,
                            server,
                            "/events",
                            "[{\"id\":800009,\"user_id\":" + user + ",\"lat\":1,\"lon\":1,\"value\":1,\"ts\":" + ts
                                    + "}]"),
                    400,
                    "invalid_event");
            assertThat(detail).as(ts).containsEntry("field", "ts").containsEntry("line", 1.0);
        }
    }

    @Test
    void healthReportsTheDatabase() throws Exception {
        assertThat(object(get(http, server, "/health").body())).containsEntry("database", "open");
    }
}
