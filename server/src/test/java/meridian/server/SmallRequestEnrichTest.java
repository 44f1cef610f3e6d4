package meridian.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Small bodies are enriched whole on the small-request threads, larger ones in chunks under admission: both
 * must give the same answer, byte for byte, as a server that runs everything under admission.
 */
class SmallRequestEnrichTest {

    @Test
    void smallAndAdmittedPathsGiveTheSameAnswers() throws Exception {
        ServerConfig pooled = TestServers.config(2, 4, 30_000, 1 << 24, 60_000);
        ServerConfig small = pooled.with(ServerConfig.IO_THREADS, 2).with(ServerConfig.SMALL_BODY_BYTES, 64 * 1024);
        try (MeridianServer a = TestServers.start(pooled);
                MeridianServer b = TestServers.start(small)) {
            HttpClient c = TestServers.client();
            for (int n : new int[] {0, 1, 100, 180, 1_000}) {
                String body = TestServers.body(n);
                for (String query : new String[] {"", "?k=2", "?max_km=500"}) {
                    HttpResponse<String> viaPool = TestServers.post(c, a, "/enrich" + query, body);
                    HttpResponse<String> viaEither = TestServers.post(c, b, "/enrich" + query, body);
                    assertThat(viaPool.statusCode()).isEqualTo(200);
                    assertThat(viaEither.statusCode()).isEqualTo(200);
                    assertThat(viaEither.body()).as(n + " records" + query).isEqualTo(viaPool.body());
                    assertThat(viaEither.headers().firstValue("x-content-type-options"))
                            .hasValue("nosniff");
                }
            }
            assertThat(b.metrics().recordsEnriched()).isEqualTo(a.metrics().recordsEnriched());

            // which path ran: a chunk stage that fails shows it (the small path never enters it)
            b.service().chunkListener(() -> {
                throw new IllegalStateException("the chunk stage was used");
            });
            assertThat(TestServers.post(c, b, "/enrich", TestServers.body(100)).statusCode())
                    .as("100 records, ~32 KB: whole on a small-request thread")
                    .isEqualTo(200);
            assertThat(TestServers.post(c, b, "/enrich", TestServers.body(1_000))
                            .statusCode())
                    .as("1,000 records, ~320 KB: in chunks under admission")
                    .isEqualTo(500);
            b.service().chunkListener(null);

            // a bad small body is a 400 on the small path too
            var bad = TestServers.post(c, b, "/enrich", "[{\"id\":1,\"point\":{\"lat\":\"x\"}}]");
            TestServers.assertError(bad, 400, "invalid_field");
        }
    }

    @Test
    void bodiesBeyondTheBodyBudgetWaitTheirTurnAndAllComplete() throws Exception {
        // two slots: the body budget is 8 MiB; 10 bodies of ~2.9 MB at once overrun it (and stay within the 16
        // requests two slots may have waiting)
        ServerConfig c = TestServers.config(2, 2, 60_000, 16L << 20, 120_000);
        try (MeridianServer s = TestServers.start(c)) {
            HttpClient client = TestServers.client();
            String body = TestServers.body(9_000);
            String expected = TestServers.post(client, s, "/enrich", body).body();
            var sent = new java.util.ArrayList<java.util.concurrent.CompletableFuture<HttpResponse<String>>>();
            for (int i = 0; i < 10; i++) {
                sent.add(TestServers.postAsync(client, s, "/enrich", body));
            }
            for (var f : sent) {
                HttpResponse<String> r = f.get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.body()).isEqualTo(expected);
            }
            assertThat(TestServers.post(client, s, "/enrich", TestServers.body(1))
                            .statusCode())
                    .isEqualTo(200);
            // every reservation and body given back once answered (polled: the last release follows its answer)
            long end = System.nanoTime() + 5_000_000_000L;
            while (!s.metrics().scrape().contains("\nmeridian_http_body_bytes 0\n") && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            assertThat(s.metrics().scrape()).contains("\nmeridian_http_body_bytes 0\n");
        }
    }
}
