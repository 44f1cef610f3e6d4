package meridian.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import meridian.server.metrics.Metrics.Route;

/**
 * One HTTP request with its whole body, and its answer. Built by {@link Connection} once the last byte of
 * the body has arrived; handled by {@link HttpApi} on the connection's event loop or on a virtual thread.
 * The answer is sent once, either whole ({@link #send}) or streamed ({@link #output}).
 */
final class Exchange {
    final Connection conn;
    final HttpRequest head;
    final String method;
    final String path;
    final Route route;
    /** The path segment after a route's prefix ({@code /refsets/NAME}, {@code /users/ID}), or null. */
    final String param;

    final long startNanos;
    final long deadlineNanos;
    private final ByteBuf body; // owned; released by release()
    private QueryStringDecoder query;

    private int status = 200;
    private HttpHeaders headers;
    private boolean started;
    volatile Thread worker;
    boolean small; // a small /enrich body: answered whole on a small-request thread, without admission

    Exchange(
            Connection conn,
            HttpRequest head,
            String method,
            String path,
            Route route,
            String param,
            ByteBuf body,
            long startNanos,
            long deadlineNanos) {
        this.conn = conn;
        this.head = head;
        this.method = method;
        this.path = path;
        this.route = route;
        this.param = param;
        this.body = body;
        this.startNanos = startNanos;
        this.deadlineNanos = deadlineNanos;
    }

    // --- request ---

    int bodyBytes() {
        return body.readableBytes();
    }

    ByteBuf bodyBuf() {
        return body;
    }

    /** Copies the body's bytes to the start of {@code dst} (at least {@link #bodyBytes()} long). */
    void copyBody(byte[] dst) {
        body.getBytes(body.readerIndex(), dst, 0, body.readableBytes());
    }

    /** The body as a stream; it is complete and within the body limit already. */
    InputStream body() {
        return new ByteBufInputStream(body.duplicate(), false);
    }

    String header(CharSequence name) {
        return head.headers().get(name);
    }

    private QueryStringDecoder query() {
        if (query == null) {
            query = new QueryStringDecoder(head.uri());
        }
        return query;
    }

    boolean hasQuery() {
        return head.uri().indexOf('?') >= 0;
    }

    /** The first value of a query option, or null. */
    String queryFirst(String name) {
        if (!hasQuery()) {
            return null;
        }
        List<String> v = query().parameters().get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    Set<String> queryNames() {
        if (!hasQuery()) {
            return Set.of();
        }
        Map<String, List<String>> p = query().parameters();
        return p.keySet();
    }

    private boolean released;
    private BodyBudget budget;
    private long budgeted;

    void budgeted(BodyBudget b, long bytes) {
        this.budget = b;
        this.budgeted = bytes;
    }

    /**
     * Gives the body's buffer back (and its bytes to the budget); once, from the thread handling it.
     *
     * <p>A request without a body has the shared empty buffer, which needs no release, and is not given one:
     * with the empty buffer's class among the body's classes here, and the root answer written from a
     * read-only duplicate, the code compiled for POST traffic deoptimized at the first GETs (class checks in
     * Netty's encoder and buffer copies) and was compiled again while they waited. {@code GET /} at -c 64
     * right after 10 s of POST load, its first 2 s, six alternated pairs: p99 3.5-6.7 ms against 5.0-23.6 ms,
     * 38k-78k req/s against 33k-58k (BENCHMARKS.md).
     */
    void release() {
        if (!released) {
            released = true;
            if (body != Unpooled.EMPTY_BUFFER) {
                body.release();
            }
            if (budget != null) {
                budget.give(budgeted);
            }
        }
    }

    // --- response ---

    int status() {
        return status;
    }

    void status(int code) {
        this.status = code;
    }

    void header(CharSequence name, Object value) {
        if (headers == null) {
            headers = new DefaultHttpHeaders(false);
        }
        headers.set(name, value);
    }

    HttpHeaders headers() {
        return headers;
    }

    boolean isStarted() {
        return started;
    }

    /**
     * Sends the whole answer, copied into pooled memory ({@link PooledPieces#copyOf}): every answer then reaches
     * Netty's encoder and socket writes in the buffer classes the others use (see {@link #release}).
     */
    void send(byte[] bytes) {
        send(PooledPieces.copyOf(conn.alloc(), bytes));
    }

    /** Sends the whole answer; takes ownership of {@code content}. */
    void send(ByteBuf content) {
        started = true;
        DefaultFullHttpResponse res = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), content, responseHeaders(), EMPTY);
        conn.finish(this, res);
    }

    /**
     * Sends an answer encoded once: its bytes as they are when the connection takes them (keep-alive HTTP/1.1,
     * not {@code HEAD}) and nothing was set on this answer, else the same answer the usual way.
     */
    void send(EncodedAnswer a) {
        if (headers == null && status == 200 && conn.takesEncoded()) {
            started = true;
            conn.finish(a);
        } else {
            header(HttpHeaderNames.CONTENT_TYPE, a.contentType());
            send(a.body());
        }
    }

    /** Starts a streamed answer (chunked unless it turns out to fit one buffer). */
    ChannelOutput output() {
        started = true;
        return new ChannelOutput(this);
    }

    HttpHeaders responseHeaders() {
        return withCommonHeaders(headers == null ? new DefaultHttpHeaders(false) : headers);
    }

    /** Adds the headers every answer has to an answer's own ({@code h}, returned). */
    static HttpHeaders withCommonHeaders(HttpHeaders h) {
        h.set(CONTENT_TYPE_OPTIONS, NOSNIFF);
        return h;
    }

    /** On every answer: browsers must not guess a type other than the one given. */
    static final io.netty.util.AsciiString CONTENT_TYPE_OPTIONS =
            io.netty.util.AsciiString.cached("x-content-type-options");

    static final io.netty.util.AsciiString NOSNIFF = io.netty.util.AsciiString.cached("nosniff");
    private static final HttpHeaders EMPTY = new io.netty.handler.codec.http.ReadOnlyHttpHeaders(false);
}
