package meridian.server;

import static meridian.server.TestServers.assertError;
import static meridian.server.TestServers.get;
import static meridian.server.TestServers.object;
import static meridian.server.TestServers.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every HTTP endpoint and error path against a real server on an ephemeral port. */
class HttpApiTest {
    static MeridianServer server;
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start();
        client = TestServers.client();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    /** The reference design's correctness request, answered with its payloads. */
    @Test
    @SuppressWarnings("unchecked")
    void anchorCorrectnessRequest() throws Exception {
        var r = post(
                client,
                server,
                "/enrich",
                "[{\"id\":1,\"point\":{\"lat\":37.7749,\"lon\":-122.4194},\"payload\":[1.0,2.0]},"
                        + "{\"id\":2,\"point\":{\"lat\":35.0,\"lon\":-120.0},\"payload\":[1.0]}]");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        List<?> out = (List<?>) TestServers.json(r.body());
        assertThat(out).hasSize(2);
        Map<?, ?> first = (Map<?, ?>) out.get(0);
        Map<?, ?> second = (Map<?, ?>) out.get(1);
        assertThat(new ArrayList<Object>(first.keySet())).containsExactly("id", "point", "payload", "nearest");
        assertThat((List<Object>) first.get("payload")).containsExactly(0.0, 0.0);
        double v = (Double) ((List<?>) second.get("payload")).getFirst();
        assertThat(Math.abs(v - 192.3334276712751) / 192.3334276712751).isLessThan(1e-9);
        assertThat(((Map<?, ?>) second.get("nearest")).get("name")).isEqualTo("Los Angeles");
        // the anchor's field order and number format, byte for byte up to the added "nearest"
        assertThat(r.body())
                .startsWith("[\n{\"id\":1,\"point\":{\"lat\":37.7749,\"lon\":-122.4194},\"payload\":[0.0,0.0],");
    }

    /** The enrich_10k body, checked record by record against an independent haversine. */
    @Test
    void enrich10kMatchesHaversine() throws Exception {
        var r = post(client, server, "/enrich", TestServers.body(10_000));
        assertThat(r.statusCode()).isEqualTo(200);
        List<?> out = (List<?>) TestServers.json(r.body());
        assertThat(out).hasSize(10_000);
        for (int id = 0; id < 10_000; id++) {
            Map<?, ?> rec = (Map<?, ?>) out.get(id);
            double lat = 35.0 + id % 10;
            double lon = -120.0 + id % 5;
            double sf = haversine(lat, lon, 37.7749, -122.4194);
            double la = haversine(lat, lon, 34.0522, -118.2437);
            double expected = Math.min(sf, la);
            assertThat(((Number) rec.get("id")).intValue()).isEqualTo(id);
            List<?> payload = (List<?>) rec.get("payload");
            assertThat(payload).hasSize(64);
            for (Object p : payload) {
                assertThat((Double) p).isCloseTo(expected, within(expected * 1e-12));
            }
            Map<?, ?> nearest = (Map<?, ?>) rec.get("nearest");
            assertThat(nearest.get("id")).isEqualTo(sf < la ? "sf" : "la");
        }
    }

    /** Written independently of core's Earth: haversine with R = 6371.0 km. */
    static double haversine(double lat1, double lon1, double lat2, double lon2) {
        double p1 = lat1 * Math.PI / 180;
        double p2 = lat2 * Math.PI / 180;
        double dp = (lat2 - lat1) * Math.PI / 180;
        double dl = (lon2 - lon1) * Math.PI / 180;
        double a = Math.pow(Math.sin(dp / 2), 2) + Math.cos(p1) * Math.cos(p2) * Math.pow(Math.sin(dl / 2), 2);
        return 2 * 6371.0 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
    }

    @Test
    void topLevelLatLonNoPayloadAndIdsAsSent() throws Exception {
        var r = post(
                client,
                server,
                "/enrich",
                "[{\"id\":18446744073709551615,\"lat\":34.0522,\"lon\":-118.2437},"
                        + "{\"id\":\"x-1\",\"lat\":34.0522,\"lon\":-118.2437},{\"lon\":-118.2437,\"lat\":34.0522}]");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String la = "\"nearest\":{\"id\":\"la\",\"name\":\"Los Angeles\",\"distance_km\":0.000000}}";
        assertThat(r.body())
                .isEqualTo("[\n{\"id\":18446744073709551615,\"lat\":34.0522,\"lon\":-118.2437," + la
                        + ",\n{\"id\":\"x-1\",\"lat\":34.0522,\"lon\":-118.2437," + la
                        + ",\n{\"lon\":-118.2437,\"lat\":34.0522," + la + "\n]\n");
    }

    @Test
    void kNearestAndMaxKm() throws Exception {
        var r = post(client, server, "/enrich?k=2", "[{\"id\":1,\"point\":{\"lat\":35.0,\"lon\":-120.0}}]");
        assertThat(r.statusCode()).isEqualTo(200);
        List<?> nearest = (List<?>) ((Map<?, ?>) ((List<?>) TestServers.json(r.body())).getFirst()).get("nearest");
        assertThat(nearest).hasSize(2);
        assertThat(((Map<?, ?>) nearest.get(0)).get("id")).isEqualTo("la");
        assertThat(((Map<?, ?>) nearest.get(1)).get("id")).isEqualTo("sf");

        var far = post(
                client, server, "/enrich?max_km=10", "[{\"id\":1,\"point\":{\"lat\":0,\"lon\":0},\"payload\":[2.5]}]");
        assertThat(far.statusCode()).isEqualTo(200);
        assertThat(far.body())
                .isEqualTo("[\n{\"id\":1,\"point\":{\"lat\":0,\"lon\":0},\"payload\":[2.5],\"nearest\":null}\n]\n");
    }

    @Test
    void emptyArray() throws Exception {
        var r = post(client, server, "/enrich", " [ ] ");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("[]\n");
    }

    @Test
    void badInputIs4xxWithContext() throws Exception {
        var d = assertError(post(client, server, "/enrich", "[{\"id\":1,\"point\":{\"lat\":1,"), 400, "malformed_json");
        assertThat(d).containsKeys("line", "column");

        d = assertError(
                post(
                        client,
                        server,
                        "/enrich",
                        "[{\"id\":1,\"point\":{\"lat\":1,\"lon\":2}},\n{\"id\":2,\"point\":{\"lat\":91,\"lon\":2}}]"),
                400,
                "invalid_coordinate");
        assertThat(d)
                .containsEntry("record", 1.0)
                .containsEntry("field", "point.lat")
                .containsEntry("line", 2.0);

        d = assertError(
                post(client, server, "/enrich", "[{\"id\":1,\"point\":{\"lat\":1,\"lon\":-181}}]"),
                400,
                "invalid_coordinate");
        assertThat(d).containsEntry("field", "point.lon");

        d = assertError(
                post(client, server, "/enrich", "[{\"id\":1,\"point\":{\"lat\":1,\"lon\":2},\"payload\":[1,\"a\"]}]"),
                400,
                "invalid_field");
        assertThat(d).containsEntry("field", "payload[1]");

        assertError(post(client, server, "/enrich", "[{\"id\":1,\"point\":{\"lat\":1}}]"), 400, "invalid_field");
        assertError(post(client, server, "/enrich", "[{\"id\":1}]"), 400, "invalid_field");
        assertError(post(client, server, "/enrich", "{\"id\":1}"), 400, "invalid_record");
        assertError(post(client, server, "/enrich", "[1]"), 400, "invalid_record");
        assertError(post(client, server, "/enrich", "[] []"), 400, "invalid_record");
        assertError(post(client, server, "/enrich", ""), 400, "invalid_record");

        d = assertError(post(client, server, "/enrich?refs=nope", "[]"), 404, "unknown_refset");
        assertThat(d).containsEntry("field", "refs");
        assertThat(assertError(post(client, server, "/enrich?k=0", "[]"), 400, "invalid_option"))
                .containsEntry("field", "k");
        assertThat(assertError(post(client, server, "/enrich?k=x", "[]"), 400, "invalid_option"))
                .containsEntry("field", "k");
        assertThat(assertError(post(client, server, "/enrich?max_km=-1", "[]"), 400, "invalid_option"))
                .containsEntry("field", "max_km");
        assertThat(assertError(post(client, server, "/enrich?kk=1", "[]"), 400, "invalid_option"))
                .containsEntry("field", "kk");

        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 9000; i++) {
            many.append(i == 0 ? "" : ",").append("{\"id\":1,\"lat\":1,\"lon\":2}");
        }
        assertThat(assertError(
                        post(client, server, "/enrich?k=1000", many.append(']').toString()), 413, "result_too_large"))
                .containsEntry("k", 1000.0);

        assertError(get(client, server, "/nope"), 404, "not_found");
        assertError(get(client, server, "/enrich"), 405, "method_not_allowed");
        // the server keeps serving after all that
        assertThat(get(client, server, "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void rootHealthMetrics() throws Exception {
        var root = get(client, server, "/");
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.headers().firstValue("content-type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(root.body()).startsWith("Meridian ");

        var health = get(client, server, "/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(object(health.body())).containsEntry("live", true).containsEntry("ready", true);

        post(client, server, "/enrich", "[{\"id\":1,\"lat\":1,\"lon\":2}]");
        var metrics = get(client, server, "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("meridian_http_requests_total{route=\"/enrich\",method=\"POST\",status=\"200\"}")
                .contains(
                        "meridian_http_request_duration_seconds_bucket{route=\"/enrich\",method=\"POST\",le=\"+Inf\"}")
                .contains("meridian_http_requests_active")
                .contains("meridian_tcp_connections_active")
                .contains("meridian_cpu_jobs_running")
                .contains("meridian_queue_wait_seconds_count")
                .contains("meridian_rejections_total{reason=\"overloaded\"}")
                .contains("meridian_records_enriched_total");
    }

    @Test
    void referenceSets() throws Exception {
        String csv = "id,name,lat,lon,country\np,Paris,48.8566,2.3522,FR\nb,Berlin,52.52,13.405,DE\n";
        var put = putCsv("/refsets/europe", csv);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(object(put.body())).containsEntry("places", 2.0).containsEntry("skipped", 0.0);
        var again = putCsv("/refsets/europe", csv);
        assertThat(again.statusCode()).isEqualTo(200);

        var list = get(client, server, "/refsets");
        assertThat(list.body()).contains("\"name\":\"europe\"").contains("\"name\":\"sf-la\"");

        var r = post(client, server, "/enrich?refs=europe", "[{\"id\":1,\"lat\":48.85,\"lon\":2.35}]");
        assertThat(r.body()).contains("\"name\":\"Paris\"");

        var bad = putCsv("/refsets/broken", "id,name,lat,lon\na,A,1,2\nb,B,95,2\nc,C,x,2\n");
        var detail = assertError(bad, 400, "invalid_reference_rows");
        assertThat(bad.body()).contains("\"line\":3").contains("\"line\":4");
        assertThat(detail).containsEntry("skipped", 2.0);
        assertError(post(client, server, "/enrich?refs=broken", "[]"), 404, "unknown_refset");

        assertError(putCsv("/refsets/bad%20name", csv), 400, "invalid_refset_name");
        assertError(putCsv("/refsets/empty", "id,name,lat,lon\n"), 400, "empty_reference_set");

        var del = delete("/refsets/europe");
        assertThat(del.statusCode()).isEqualTo(200);
        assertError(delete("/refsets/europe"), 404, "unknown_refset");
        // the default set is never removed: deleting it restores the set the service started with
        var restore = delete("/refsets/sf-la");
        assertThat(restore.statusCode()).isEqualTo(200);
        assertThat(object(restore.body())).containsEntry("restored", "sf-la");
    }

    /** Hundreds of concurrent clients, each checking its own answer. */
    @Test
    void hundredsOfConcurrentClients() throws Exception {
        int clients = 300;
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int id = i;
                results.add(ex.submit(() -> {
                    var r = post(
                            client,
                            server,
                            "/enrich",
                            "[{\"id\":" + id + ",\"point\":{\"lat\":34.0522,\"lon\":-118.2437},\"payload\":[" + id
                                    + "]}]");
                    return r.statusCode() == 200
                            && r.body().startsWith("[\n{\"id\":" + id + ",")
                            && r.body().contains("\"payload\":[0.0]");
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        }
    }

    private static HttpResponse<String> putCsv(String path, String csv) throws Exception {
        return TestServers.send(client, server, "PUT", path, "text/csv", csv);
    }

    private static HttpResponse<String> delete(String path) throws Exception {
        return TestServers.send(client, server, "DELETE", path, null, null);
    }
}
