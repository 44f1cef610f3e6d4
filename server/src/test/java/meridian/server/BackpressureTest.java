package meridian.server;

import static meridian.server.TestServers.assertError;
import static meridian.server.TestServers.await;
import static meridian.server.TestServers.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import meridian.server.exec.EnrichService;
import meridian.server.metrics.Metrics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Saturation, limits, deadlines and cancellation. Work is held in the CPU stage with a chunk listener and a
 * latch, so every scenario is forced deterministically; nothing asserts on time.
 */
@Tag("slow") // run by Failsafe in verify, not by mvn test
class BackpressureTest {
    private static final String ONE = "[{\"id\":1,\"point\":{\"lat\":35.0,\"lon\":-120.0},\"payload\":[1.0]}]";

    @Test
    void saturatedServerAnswers503WithRetryAfterThenRecovers() throws Exception {
        try (MeridianServer s = TestServers.start(TestServers.config(1, 1, 20, 1 << 20, 60_000))) {
            HttpClient c = TestServers.client();
            CountDownLatch release = TestServers.holdCpuStage(s);
            CompletableFuture<HttpResponse<String>> held = TestServers.postAsync(c, s, "/enrich", ONE);
            await("first request in the CPU stage", () -> s.service().pool().permitsInUse() == 1);

            var refused = post(c, s, "/enrich", ONE);
            var detail = assertError(refused, 503, "overloaded");
            assertThat(refused.headers().firstValue("retry-after")).isPresent();
            assertThat(detail).containsKey("retry_after_s");
            assertThat(s.metrics().rejections(Metrics.Rejection.OVERLOADED)).isEqualTo(1);

            release.countDown();
            assertThat(held.get().statusCode()).isEqualTo(200);
            s.service().chunkListener(null);
            assertThat(post(c, s, "/enrich", ONE).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aFullAdmissionQueueAnswers503AtOnce() throws Exception {
        // one slot, so at most EnrichService.QUEUED_PER_SLOT requests may wait; a long admission wait shows
        // that the next refusal does not come from waiting it out
        try (MeridianServer s = TestServers.start(TestServers.config(1, 1, 600_000, 1 << 20, 600_000))) {
            HttpClient c = TestServers.client();
            CountDownLatch release = TestServers.holdCpuStage(s);
            List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            for (int i = 0; i <= EnrichService.QUEUED_PER_SLOT; i++) {
                waiting.add(TestServers.postAsync(c, s, "/enrich", ONE));
            }
            await(
                    "one request in the CPU stage and the queue full",
                    () -> s.service().pool().permitsInUse() == 1
                            && s.service().queued() == EnrichService.QUEUED_PER_SLOT);

            var refused = post(c, s, "/enrich", ONE);
            assertError(refused, 503, "overloaded");
            assertThat(refused.headers().firstValue("retry-after")).isPresent();

            release.countDown();
            for (var w : waiting) {
                assertThat(w.get().statusCode())
                        .as("queued requests are served once the slot frees")
                        .isEqualTo(200);
            }
            s.service().chunkListener(null);
        }
    }

    @Test
    void deadlineAnswers504AndCancelsTheSubtasks() throws Exception {
        try (MeridianServer s = TestServers.start(TestServers.config(1, 4, 1000, 1 << 20, 300))) {
            HttpClient c = TestServers.client();
            CountDownLatch never = new CountDownLatch(1);
            s.service().chunkListener(never::await); // blocks until the scope interrupts it
            var r = post(c, s, "/enrich", TestServers.body(3000));
            assertError(r, 504, "deadline_exceeded");
            await(
                    "permits and workers released",
                    () -> s.service().pool().permitsInUse() == 0
                            && s.service().pool().runningTasks() == 0
                            && s.service().admitted() == 0);
            s.service().chunkListener(null);
            assertThat(post(c, s, "/enrich", ONE).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aRequestHoldsNoSlotUntilItsBodyHasArrivedAndADisconnectCostsNothing() throws Exception {
        // one slot: a client stalled mid-body must not hold it, or this server would answer nothing else
        try (MeridianServer s = TestServers.start(TestServers.config(1, 1, 1000, 1 << 20, 60_000))) {
            try (Socket sock = new Socket("127.0.0.1", s.httpPort())) {
                OutputStream out = sock.getOutputStream();
                out.write(("POST /enrich HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 100000\r\n\r\n[{\"id\":1,\"point\":{\"lat\":1,")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(post(TestServers.client(), s, "/enrich", ONE).statusCode())
                        .isEqualTo(200);
                assertThat(s.service().admitted()).isZero();
            } // client goes away mid-body
            assertThat(post(TestServers.client(), s, "/enrich", ONE).statusCode())
                    .isEqualTo(200);
            assertThat(s.service().admitted()).isZero();
        }
    }

    @Test
    void bodiesOverTheLimitGet413() throws Exception {
        try (MeridianServer s = TestServers.start(TestServers.config(2, 4, 1000, 2000, 60_000))) {
            HttpClient c = TestServers.client();
            var detail = assertError(post(c, s, "/enrich", TestServers.body(20)), 413, "body_too_large");
            assertThat(detail).containsEntry("limit", 2000.0);

            // chunked: no Content-Length, counted while streaming
            String chunked = rawChunked(s, TestServers.body(7));
            assertThat(chunked).startsWith("HTTP/1.1 413").contains("body_too_large");
            assertThat(s.metrics().rejections(Metrics.Rejection.TOO_LARGE)).isEqualTo(2);
            assertThat(post(c, s, "/enrich", ONE).statusCode()).isEqualTo(200);
        }
    }

    /** Sends a body in 512-byte chunks, then reads the whole answer. */
    private static String rawChunked(MeridianServer s, String body) throws Exception {
        try (Socket sock = new Socket("127.0.0.1", s.httpPort())) {
            OutputStream out = sock.getOutputStream();
            out.write(("POST /enrich HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            try {
                for (int i = 0; i < b.length; i += 512) {
                    int n = Math.min(512, b.length - i);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(b, i, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (java.io.IOException serverStoppedReading) {
                // the server may answer and close before the whole body is sent
            }
            InputStream in = sock.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aBugInsideOneRequestIs500WithARequestIdAndTheServerKeepsServing() throws Exception {
        try (MeridianServer s = TestServers.start()) {
            HttpClient c = TestServers.client();
            s.service().chunkListener(() -> {
                throw new IllegalStateException("simulated bug");
            });
            var r = post(c, s, "/enrich", ONE);
            var detail = assertError(r, 500, "internal_error");
            assertThat((String) detail.get("request_id")).isNotBlank();
            assertThat(r.body()).doesNotContain("simulated bug");
            s.service().chunkListener(null);
            assertThat(post(c, s, "/enrich", ONE).statusCode()).isEqualTo(200);
            await("released", () -> s.service().pool().permitsInUse() == 0);
        }
    }
}
