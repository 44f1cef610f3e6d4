package meridian.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import meridian.core.error.RefusedException;
import meridian.core.refs.ReferenceSet;
import meridian.server.MeridianServer;
import meridian.server.ServerConfig;
import meridian.server.metrics.Metrics;
import meridian.server.security.RequestGate;
import meridian.testkit.Seeds;
import meridian.testkit.TwoCities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Clients that attack the HTTP transport, over raw sockets so that nothing here depends on the HTTP
 * library: stalled bodies, slowloris headers, bad framing, short bodies, idle and surplus connections.
 * Each checks that the attacker gets 408/400 JSON (or a close) and that a normal client keeps getting 200.
 * The normal client's latency during the attacks is printed, never asserted.
 */
@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
class TransportAttackTest {
    /** The head of a JSON POST /enrich up to its framing header. */
    private static final String POST_JSON =
            "POST /enrich HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";

    private static final String ONE = "[{\"id\":1,\"point\":{\"lat\":35.0,\"lon\":-120.0},\"payload\":[1.0]}]";
    private static final ReferenceSet SF_LA = TwoCities.set();

    private final List<LogRecord> traces = new CopyOnWriteArrayList<>();
    private final Handler traceCatcher = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getThrown() != null) {
                traces.add(r);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void catchStackTraces() {
        Logger.getLogger("").addHandler(traceCatcher);
    }

    @AfterEach
    void stopCatching() {
        Logger.getLogger("").removeHandler(traceCatcher);
    }

    /**
     * Small admission (4 slots), short transport timeouts, and no event-loop enrichment, so that every
     * /enrich goes through admission: the resource the stalled-body attack used to exhaust.
     */
    private static ServerConfig config(long headerMs, long bodyMs, long idleMs, int maxConnections) {
        return ServerConfig.defaultConfig()
                .with(ServerConfig.PORT, 0)
                .with(ServerConfig.TCP_PORT, -1)
                .with(ServerConfig.REFS, "sf-la")
                .with(ServerConfig.CPU_PERMITS, 2)
                .with(ServerConfig.MAX_IN_FLIGHT, 4)
                .with(ServerConfig.ADMISSION_WAIT_MS, 2000L)
                .with(ServerConfig.MAX_BODY_BYTES, 1L << 20)
                .with(ServerConfig.REQUEST_DEADLINE_MS, 60_000L)
                .with(ServerConfig.GRACE_MS, 2000L)
                .with(ServerConfig.TCP_MAX_LINE_BYTES, 1 << 16)
                .with(ServerConfig.DB, "off")
                .with(ServerConfig.SMALL_BODY_BYTES, 0)
                .with(ServerConfig.HEADER_TIMEOUT_MS, headerMs)
                .with(ServerConfig.BODY_TIMEOUT_MS, bodyMs)
                .with(ServerConfig.IDLE_TIMEOUT_MS, idleMs)
                .with(ServerConfig.MAX_CONNECTIONS, maxConnections)
                .with(ServerConfig.IO_THREADS, 2);
    }

    private static MeridianServer start(ServerConfig c) throws IOException {
        return MeridianServer.start(c, SF_LA);
    }

    @Test
    void anAnswerToHeadHasItsHeadersAndNoBodyAndTheConnectionGoesOn() throws Exception {
        try (MeridianServer s = start(config(5_000, 5_000, 60_000, 4096))) {
            String both = answer(
                    s,
                    "HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n"
                            + "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            int end = both.indexOf("\r\n\r\n");
            String head = both.substring(0, end);
            assertThat(head).startsWith("HTTP/1.1 405 ").containsIgnoringCase("content-length: ");
            String next = both.substring(end + 4);
            assertThat(next)
                    .as("the next answer right after the head: no body between")
                    .startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(next).endsWith("POST /enrich\n");
        }
    }

    /**
     * {@code GET /} on a kept-alive connection is answered with bytes encoded once; on a connection that closes
     * after it, the usual way: the two answers are the same but for the {@code connection: close} line, and both
     * are counted.
     */
    @Test
    void theAnswerEncodedOnceIsTheUsualAnswer() throws Exception {
        try (MeridianServer s = start(config(5_000, 5_000, 60_000, 4096))) {
            String both = answer(
                    s,
                    "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
                            + "GET /?x=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            int second = both.indexOf("HTTP/1.1 200 OK\r\n", 1);
            assertThat(second).isPositive();
            String kept = both.substring(0, second);
            String closing = both.substring(second);
            assertThat(kept)
                    .startsWith("HTTP/1.1 200 OK\r\n")
                    .containsIgnoringCase("content-type: text/plain; charset=utf-8\r\n")
                    .containsIgnoringCase("x-content-type-options: nosniff\r\n")
                    .endsWith("\r\n\r\n" + "Meridian " + MeridianServer.version()
                            + ": nearest-place enrichment. POST /enrich\n");
            assertThat(closing).containsIgnoringCase("connection: close\r\n");
            assertThat(closing.replaceFirst("(?i)connection: close\r\n", "")).isEqualTo(kept);
            // counted once each answer is written, which may be just after the client has read it
            TcpLimitsTest.await(() -> s.metrics().requests(Metrics.Route.ROOT, 200) >= 2);
            assertThat(s.metrics().requests(Metrics.Route.ROOT, 200)).isEqualTo(2);
        }
    }

    @Test
    void stalledBodiesHoldNoSlotAndGet408WhileOthersAreServed() throws Exception {
        try (MeridianServer s = start(config(5_000, 5_000, 60_000, 4096))) {
            List<Socket> stalled = connections(s, 16, POST_JSON + "Content-Length: 1000\r\n\r\n[{\"id\":1,");
            // 16 stalled uploads, 4 slots: a normal client still gets 200 on every request
            long[] latency = normalClient(s, 100);
            System.out.println("TransportAttackTest: 16 stalled bodies, normal client " + summary(latency));
            assertThat(s.service().admitted()).isZero();
            for (Socket sock : stalled) {
                String answer = readAll(sock);
                assertThat(answer).startsWith("HTTP/1.1 408").contains("\"request_timeout\"");
                assertThat(answer.toLowerCase()).contains("x-content-type-options: nosniff");
                sock.close();
            }
            assertThat(s.metrics().rejections(Metrics.Rejection.TIMEOUT)).isEqualTo(16);
            assertThat(s.metrics().requests(Metrics.Route.ENRICH, 408)).isEqualTo(16);
            assertThat(post(s, "/enrich", ONE)).startsWith("HTTP/1.1 200");
        }
        assertThat(traces).isEmpty();
    }

    @Test
    void uploadsWaitingForTheBodyBudgetDoNotHoldUpSmallBodies() throws Exception {
        // 4 slots: 16 MiB for large bodies. 16 stalled uploads that declare 1 MiB hold all of it, 8 more wait
        // for it; a small body has a lane of its own and is answered long before the stalled ones time out.
        try (MeridianServer s = start(config(5_000, 5_000, 60_000, 4096))) {
            String head = POST_JSON + "Content-Length: " + (1 << 20) + "\r\n\r\n[{\"id\":1,";
            List<Socket> stalled = connections(s, 24, head);
            long[] latency = normalClient(s, 20);
            System.out.println("TransportAttackTest: 24 stalled 1 MiB uploads, normal client " + summary(latency));
            assertThat(s.metrics().rejections(Metrics.Rejection.TIMEOUT))
                    .as("the small bodies were answered before the first stalled upload timed out")
                    .isZero();
            for (Socket sock : stalled) {
                sock.close();
            }
        }
    }

    @Test
    void slowlorisHeadersGet408WhileOthersAreServed() throws Exception {
        try (MeridianServer s = start(config(1_000, 30_000, 60_000, 4096))) {
            List<Socket> slow = connections(s, 16, "GET /health HTTP/1.1\r\nHost: localhost\r\n");
            AtomicBoolean attacking = new AtomicBoolean(true);
            Thread drip = Thread.ofVirtual().start(() -> {
                // one header byte per socket every 50 ms: each read is quick, the head never ends
                while (attacking.get()) {
                    for (Socket sock : slow) {
                        try {
                            send(sock, "X");
                        } catch (IOException closedByServer) {
                            // expected once the header timeout passed
                        }
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            long[] latency = normalClient(s, 100);
            System.out.println("TransportAttackTest: 16 slowloris heads, normal client " + summary(latency));
            for (Socket sock : slow) {
                String answer = readAll(sock);
                // 408, or a bare close when the server could say nothing more
                // (the drip may make the kernel reset the socket before all of the answer is read)
                if (!answer.isEmpty()) {
                    assertThat(answer).startsWith("HTTP/1.1 408");
                }
                sock.close();
            }
            attacking.set(false);
            drip.join();
            assertThat(s.metrics().rejections(Metrics.Rejection.TIMEOUT)).isEqualTo(16);
        }
        assertThat(traces).isEmpty();
    }

    @Test
    void aBodyArrivingInManySmallReadsIsReadWholeAndInOrder() throws Exception {
        // 4,000 records (~250 KB, many times the pieces a body is gathered in), sent as one write, then in
        // writes of 1 to 9,000 bytes with pauses between them (each a read of its own on the server), once
        // with a Content-Length and once as chunks of those sizes: the same answer, every record once, in order.
        int n = 4000;
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"point\":{\"lat\":");
            sb.append(34 + (i % 300) / 100.0)
                    .append(",\"lon\":")
                    .append(-122 + (i % 400) / 100.0)
                    .append("}}");
        }
        byte[] body = sb.append(']').toString().getBytes(StandardCharsets.UTF_8);
        Random rnd = new Random(Seeds.seed());
        try (MeridianServer s = start(config(5_000, 30_000, 60_000, 4096))) {
            Raw.Response whole = Raw.bytes(s.httpPort(), "POST", "/enrich", body, "Content-Type: application/json");
            assertThat(whole.status()).isEqualTo(200);
            Matcher ids = Pattern.compile("\\{\"id\":(\\d+),\"point\"").matcher(whole.body());
            for (int i = 0; i < n; i++) {
                assertThat(ids.find()).as("record %d in the answer", i).isTrue();
                assertThat(Integer.parseInt(ids.group(1))).isEqualTo(i);
            }
            assertThat(ids.find()).isFalse();
            for (boolean chunked : new boolean[] {false, true}) {
                try (Socket sock = socket(s)) {
                    sock.setTcpNoDelay(true);
                    send(
                            sock,
                            POST_JSON
                                    + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + body.length)
                                    + "\r\nConnection: close\r\n\r\n");
                    OutputStream out = sock.getOutputStream();
                    for (int at = 0; at < body.length; ) {
                        int len = Math.min(body.length - at, 1 + rnd.nextInt(rnd.nextBoolean() ? 64 : 9000));
                        if (chunked) {
                            out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        }
                        out.write(body, at, len);
                        if (chunked) {
                            out.write(new byte[] {'\r', '\n'});
                        }
                        out.flush();
                        at += len;
                        if (rnd.nextInt(4) == 0) {
                            Thread.sleep(1);
                        }
                    }
                    if (chunked) {
                        send(sock, "0\r\n\r\n");
                    }
                    Raw.Response r = Raw.read(sock.getInputStream());
                    assertThat(r.status())
                            .as(chunked ? "chunked" : "with a length")
                            .isEqualTo(200);
                    assertThat(r.body())
                            .as(chunked ? "chunked" : "with a length")
                            .isEqualTo(whole.body());
                }
            }
        }
        assertThat(traces).isEmpty();
    }

    @Test
    void aBodyShorterThanItsLengthIs408() throws Exception {
        assertRejected(
                500,
                POST_JSON + "Content-Length: 100\r\n\r\n[{\"id\":1}",
                408,
                "request_timeout",
                Metrics.Rejection.TIMEOUT);
    }

    @Test
    void aChunkedBodyWithoutItsLastChunkIs408() throws Exception {
        assertRejected(
                500,
                POST_JSON + "Transfer-Encoding: chunked\r\n\r\n5\r\n[{\"id\r\n",
                408,
                "request_timeout",
                Metrics.Rejection.TIMEOUT);
    }

    @Test
    void badChunkSizesAre400JsonWithoutAStackTrace() throws Exception {
        List<String> bad = new ArrayList<>();
        for (String size : List.of("zz", "-5", "fffffffffffffffffff", "5;" + "x".repeat(9000))) {
            bad.add(POST_JSON + "Transfer-Encoding: chunked\r\n\r\n" + size + "\r\nhello\r\n0\r\n\r\n");
        }
        assertEachIs400JsonAndServingGoesOn(bad, "malformed_request");
    }

    @Test
    void malformedRequestLinesAndHeadersAre400Json() throws Exception {
        assertEachIs400JsonAndServingGoesOn(
                List.of(
                        "GARBAGE\r\n\r\n",
                        "GET / HTTP/9.9\r\nHost: localhost\r\n\r\n",
                        "GET / HTTP/1.1\r\nHost: localhost\r\nNo colon here\r\n\r\n",
                        "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n",
                        "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(40_000) + "\r\n\r\n",
                        "POST /enrich HTTP/1.1\r\nHost: localhost\r\nContent-Length: 12abc\r\n\r\n",
                        "POST /enrich HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
                "error");
    }

    @Test
    void aTooLargeContentLengthIs413BeforeAnyBodyIsSent() throws Exception {
        // no body is sent and the body timeout is a minute: the answer cannot be waiting for it
        assertRejected(
                60_000,
                POST_JSON + "Content-Length: 1000000000\r\n\r\n",
                413,
                "body_too_large",
                Metrics.Rejection.TOO_LARGE);
    }

    @Test
    void idleConnectionsAreClosedAndSurplusOnesRefused() throws Exception {
        try (MeridianServer s = start(config(5_000, 5_000, 500, 4))) {
            List<Socket> open = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Socket sock = socket(s);
                send(sock, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertThat(readResponse(sock)).startsWith("HTTP/1.1 200");
                open.add(sock);
            }
            // a fifth connection is over the cap: closed without an answer
            try (Socket extra = socket(s)) {
                try {
                    send(extra, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
                } catch (IOException closed) {
                    // the close may come before the write
                }
                assertThat(readAll(extra)).isEmpty();
            }
            // the kept-alive connections are closed once idle for the idle timeout
            for (Socket sock : open) {
                assertThat(readAll(sock)).isEmpty();
                sock.close();
            }
            assertThat(post(s, "/enrich", ONE)).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void theGateSeesTheHeadAndItsRefusalIsAnsweredBeforeTheBody() throws Exception {
        List<RequestGate.RequestHead> seen = new CopyOnWriteArrayList<>();
        RequestGate gate = head -> {
            seen.add(head);
            if (head.authorization() == null) {
                throw new RefusedException("unauthorized", "a bearer token is required", Map.of());
            }
        };
        ServerConfig c = config(5_000, 60_000, 60_000, 4096);
        try (MeridianServer s = MeridianServer.start(c, SF_LA, gate);
                Socket sock = socket(s)) {
            // the body is never sent: the refusal must not wait for it
            send(
                    sock,
                    "POST /enrich?k=2 HTTP/1.1\r\nHost: h.example\r\nOrigin: http://o.example\r\n"
                            + "Content-Type: application/json\r\nContent-Length: 500\r\n\r\n");
            String answer = readAll(sock);
            assertThat(answer).startsWith("HTTP/1.1 401").contains("\"unauthorized\"");
            assertThat(answer.toLowerCase()).contains("www-authenticate: bearer");
            assertThat(seen).hasSize(1);
            RequestGate.RequestHead h = seen.getFirst();
            assertThat(h.method()).isEqualTo("POST");
            assertThat(h.path()).isEqualTo("/enrich");
            assertThat(h.host()).isEqualTo("h.example");
            assertThat(h.origin()).isEqualTo("http://o.example");
            assertThat(h.contentType()).isEqualTo("application/json");
            assertThat(s.service().admitted()).isZero();

            try (Socket ok = socket(s)) {
                send(
                        ok,
                        "POST /enrich HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer t\r\nContent-Length: "
                                + ONE.length() + "\r\nConnection: close\r\n\r\n" + ONE);
                assertThat(readAll(ok)).startsWith("HTTP/1.1 200");
            }
        }
    }

    @Test
    void everyAnswerSaysNosniff() throws Exception {
        try (MeridianServer s = start(config(5_000, 5_000, 60_000, 4096))) {
            for (String request : List.of(
                    "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                    "GET /nowhere HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                    "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                    "POST /enrich HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nConnection: close\r\n\r\n[1]")) {
                assertThat(answer(s, request).toLowerCase()).as(request).contains("x-content-type-options: nosniff");
            }
        }
    }

    @Test
    void shutdownIsNotHeldUpByStalledClients() throws Exception {
        MeridianServer s = start(config(60_000, 60_000, 60_000, 4096));
        Socket stalled = socket(s);
        Socket idle = socket(s);
        try {
            send(stalled, "POST /enrich HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n[");
            send(idle, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(readResponse(idle)).startsWith("HTTP/1.1 200");
            long t0 = System.nanoTime();
            s.stop();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("TransportAttackTest: stop with a stalled and an idle client took " + ms + " ms (grace "
                    + s.config().graceMs() + " ms)");
            // the server is gone: both sockets see the end of the stream
            assertThat(readAll(stalled)).doesNotStartWith("HTTP/1.1 200");
            assertThat(readAll(idle)).isEmpty();
        } finally {
            stalled.close();
            idle.close();
            s.close();
        }
    }

    // --- helpers ---

    /**
     * One request on a server with the given body timeout is answered {@code status} with the error
     * {@code code}, and counted once as {@code rejection}.
     */
    private static void assertRejected(
            long bodyMs, String request, int status, String code, Metrics.Rejection rejection) throws IOException {
        try (MeridianServer s = start(config(5_000, bodyMs, 60_000, 4096))) {
            assertThat(answer(s, request)).startsWith("HTTP/1.1 " + status).contains("\"" + code + "\"");
            assertThat(s.metrics().rejections(rejection)).isEqualTo(1);
        }
    }

    /**
     * Each request, on its own connection, is answered 400 with a JSON body naming {@code code} and no stack
     * trace, and the server still serves a normal request afterwards.
     */
    private void assertEachIs400JsonAndServingGoesOn(List<String> requests, String code) throws IOException {
        try (MeridianServer s = start(config(5_000, 5_000, 60_000, 4096))) {
            for (String request : requests) {
                String answer = answer(s, request);
                String what = request.substring(0, Math.min(40, request.length()));
                assertThat(answer).as(what).startsWith("HTTP/1.1 400").contains("\"" + code + "\"");
                assertThat(answer.toLowerCase()).as(what).contains("content-type: application/json");
                assertThat(answer).as(what).doesNotContain("Exception").doesNotContain("\tat ");
            }
            assertThat(post(s, "/enrich", ONE)).startsWith("HTTP/1.1 200");
        }
        assertThat(traces).isEmpty();
    }

    /** {@code n} sequential keep-alive POST /enrich requests; returns each one's latency in nanoseconds. */
    private static long[] normalClient(MeridianServer s, int n) throws IOException {
        long[] latency = new long[n];
        try (Socket sock = socket(s)) {
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                send(
                        sock,
                        "POST /enrich HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                                + ONE.length() + "\r\n\r\n" + ONE);
                String answer = readResponse(sock);
                latency[i] = System.nanoTime() - t0;
                assertThat(answer).as("request " + i).startsWith("HTTP/1.1 200");
            }
        }
        return latency;
    }

    private static String summary(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format(
                "%d requests, all 200: p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                s.length, s[s.length / 2] / 1e6, s[(int) Math.ceil(s.length * 0.99) - 1] / 1e6, s[s.length - 1] / 1e6);
    }

    private static Socket socket(MeridianServer s) throws IOException {
        Socket sock = new Socket("127.0.0.1", s.httpPort());
        sock.setSoTimeout(30_000); // a test that hangs fails instead
        return sock;
    }

    private static void send(Socket sock, String text) throws IOException {
        OutputStream out = sock.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static String post(MeridianServer s, String path, String body) throws IOException {
        try (Socket sock = socket(s)) {
            send(
                    sock,
                    "POST " + path
                            + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length() + "\r\nConnection: close\r\n\r\n" + body);
            return readAll(sock);
        }
    }

    /** {@code n} new connections, each sent {@code start} (the start of a request, left open). */
    private static List<Socket> connections(MeridianServer s, int n, String start) throws IOException {
        List<Socket> socks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket sock = socket(s);
            send(sock, start);
            socks.add(sock);
        }
        return socks;
    }

    /** Sends {@code request} on a new connection; everything the server answers until it closes. */
    private static String answer(MeridianServer s, String request) throws IOException {
        try (Socket sock = socket(s)) {
            send(sock, request);
            return readAll(sock);
        }
    }

    /** Everything until the server closes (a reset counts as the end). */
    private static String readAll(Socket sock) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        InputStream in = sock.getInputStream();
        byte[] b = new byte[8192];
        try {
            for (int n; (n = in.read(b)) > 0; ) {
                buf.write(b, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server neither answered nor closed: " + buf, e);
        } catch (IOException reset) {
            // the server closed hard after answering
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    /** One response with a Content-Length body, leaving the connection open. */
    private static String readResponse(Socket sock) throws IOException {
        InputStream in = sock.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed before the end of the head: " + head);
            }
            head.append((char) c);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        byte[] body = in.readNBytes(length);
        return head + new String(body, StandardCharsets.UTF_8);
    }
}
