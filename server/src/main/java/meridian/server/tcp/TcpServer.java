package meridian.server.tcp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import meridian.core.enrich.EnrichOptions;
import meridian.core.error.MeridianException;
import meridian.core.error.RefusedException;
import meridian.core.error.UnavailableException;
import meridian.core.text.ByteSink;
import meridian.server.exec.EnrichService;
import meridian.server.json.Json;
import meridian.server.json.PlaceText;
import meridian.server.json.RecordCodec;
import meridian.server.metrics.Metrics;
import meridian.server.refs.CountryRegions;
import meridian.server.refs.RefSetRegistry;
import meridian.server.security.Role;
import meridian.server.security.Tokens;

/**
 * The stream endpoint: newline-delimited JSON records in, one enriched line out per line, in order.
 *
 * <p>One virtual thread per connection reads whatever lines have arrived (up to {@link #MAX_BATCH}), parses
 * them into a batch, has the batch enriched on the shared CPU pool (same admission and permits as HTTP),
 * and writes the answers in input order. A line that cannot be used (bad JSON, a number too long, nesting
 * too deep, a line longer than the limit) gets an error line
 * {@code {"error":CODE,"message":...,"detail":{"line":N}}} in its place and the connection keeps serving
 * the lines around it. Blank lines are ignored.
 *
 * <p>Limits: at most {@code maxConnections} open connections (more get one {@code too_many_connections}
 * line and are closed); a connection that sends nothing for the idle timeout, or takes longer than the
 * request deadline to finish a line, gets an error line and is closed; all connections together buffer at
 * most {@code bufferBudget} bytes of unfinished lines (a connection that would need more gets
 * {@code overloaded} and is closed).
 *
 * <p>With tokens configured, the first line must be {@code {"auth":"TOKEN"}}; it is answered
 * {@code {"ok":true,"role":"read"}} (or the token's higher role), or with an {@code unauthorized} error line,
 * after which the connection is closed.
 *
 * <p>With the {@code tcp-country} setting every record also gets its {@code "country"}, exactly as
 * {@code POST /enrich?country=true} gives it: a service-wide setting rather than a per-connection option, so
 * that the stream keeps its one line in, one line out contract with no handshake.
 */
public final class TcpServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TcpServer.class.getName());
    static final int MAX_BATCH = 4096;

    /** Buffer a connection starts with; it grows (within the budget) only for longer lines. */
    static final int INITIAL_BUFFER = 16 * 1024;

    private final RefSetRegistry registry;
    private final CountryRegions country; // null: no country on the stream
    private final EnrichService service;
    private final RecordCodec codec;
    private final Metrics metrics;
    private final Limits limits;
    private final Tokens tokens; // null: no authentication
    private final long deadlineNanos;
    private final ServerSocket socket;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong buffered = new AtomicLong();
    private final Thread acceptor;
    private volatile boolean closing;

    /**
     * The endpoint's bounds.
     *
     * @param maxLine longest line, in bytes
     * @param idleTimeoutMs a connection silent this long is closed
     * @param maxConnections open connections at once
     * @param bufferBudget bytes all connections may buffer together
     */
    public record Limits(int maxLine, long idleTimeoutMs, int maxConnections, long bufferBudget) {}

    public TcpServer(
            String host,
            int port,
            RefSetRegistry registry,
            CountryRegions country,
            EnrichService service,
            RecordCodec codec,
            Metrics metrics,
            Limits limits,
            Tokens tokens,
            long deadlineMs)
            throws IOException {
        this.registry = registry;
        this.country = country;
        this.service = service;
        this.codec = codec;
        this.metrics = metrics;
        this.limits = limits;
        this.tokens = tokens;
        this.deadlineNanos = TimeUnit.MILLISECONDS.toNanos(deadlineMs);
        this.socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(host), port), 1024);
        this.acceptor = Thread.ofVirtual().name("meridian-tcp-accept").start(this::acceptLoop);
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Bytes of line buffers held by all connections now. */
    public long bufferedBytes() {
        return buffered.get();
    }

    private void acceptLoop() {
        while (!closing) {
            try {
                Socket s = socket.accept();
                s.setTcpNoDelay(true);
                if (connections.size() >= limits.maxConnections() || !reserve(INITIAL_BUFFER)) {
                    refuse(s);
                    continue;
                }
                Connection c = new Connection(s);
                connections.add(c);
                metrics.tcpOpened();
                c.thread = Thread.ofVirtual().name("meridian-tcp-conn").start(c);
            } catch (IOException e) {
                if (!closing) {
                    LOG.log(System.Logger.Level.WARNING, "accept failed: " + e);
                }
            }
        }
    }

    /** One error line to a connection beyond the cap, then close (a few bytes: the write does not block). */
    private void refuse(Socket s) {
        try (s) {
            s.setSoLinger(true, 0);
            OutputStream out = s.getOutputStream();
            out.write(Json.error(
                    "too_many_connections",
                    "the server has " + limits.maxConnections() + " connections open; retry later",
                    Map.of("limit", limits.maxConnections())));
            out.write('\n');
            out.flush();
        } catch (IOException ignored) {
            // the client is gone already
        }
        metrics.rejected(Metrics.Rejection.OVERLOADED);
    }

    private boolean reserve(long bytes) {
        if (buffered.addAndGet(bytes) > limits.bufferBudget()) {
            buffered.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    /** Stops accepting; connections finish the batch they are on, then close. Waits up to {@code millis}. */
    public void shutdown(long millis) {
        closing = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Connection c : connections) {
            c.stopAfterBatch();
        }
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (Connection c : connections) {
            long left = end - System.nanoTime();
            try {
                if (left <= 0 || !c.thread.join(java.time.Duration.ofNanos(left))) {
                    c.abort();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                c.abort();
            }
        }
        try {
            acceptor.join(java.time.Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown(0);
    }

    /** What {@link Connection#nextLine} found. */
    private enum Next {
        LINE,
        TOO_LONG,
        NONE,
        EOF
    }

    /** One client: reads lines, answers them in order. */
    private final class Connection implements Runnable {
        private final Socket s;
        private volatile Thread thread;
        private volatile boolean stop;
        private byte[] buf = new byte[INITIAL_BUFFER];
        private int start; // first unconsumed byte
        private int end; // end of valid bytes
        private int scanned; // bytes before this index (from start) hold no newline
        private boolean skipping; // inside a line longer than the limit: its bytes are dropped
        private long lineStarted; // when the unfinished line's first byte was waited for; 0 when none
        private int lineFrom;
        private int lineTo;
        private long lineNo;

        Connection(Socket s) {
            this.s = s;
        }

        void stopAfterBatch() {
            stop = true;
            try {
                s.shutdownInput(); // wakes a blocked read; lines already read are still answered
            } catch (IOException ignored) {
                // already closed
            }
        }

        void abort() {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }

        @Override
        public void run() {
            try (s;
                    InputStream in = s.getInputStream();
                    OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024)) {
                serve(in, out);
            } catch (SocketException e) {
                LOG.log(System.Logger.Level.DEBUG, "tcp connection closed: " + e.getMessage());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "tcp connection failed: " + e);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "tcp connection failed unexpectedly", e);
            } finally {
                connections.remove(this);
                buffered.addAndGet(-buf.length);
                metrics.tcpClosed();
            }
        }

        private void serve(InputStream in, OutputStream out) throws IOException {
            ByteSink sink = new ByteSink(out);
            List<Object> errors = new ArrayList<>(); // index-aligned: null for a good line
            boolean eof = false;
            boolean authenticated = tokens == null;
            while (!eof) {
                // Block for at least one line, then take every complete line already buffered.
                long deadline = 0;
                EnrichService.Workspace ws = null;
                errors.clear();
                try {
                    while (errors.size() < MAX_BATCH) {
                        Next next = nextLine(in, errors.isEmpty());
                        if (next == Next.NONE) {
                            break; // answer what has arrived before blocking for more
                        }
                        if (next == Next.EOF) {
                            eof = true;
                            break;
                        }
                        if (next == Next.TOO_LONG) {
                            if (!authenticated) {
                                throw new RefusedException(
                                        "unauthorized", "the first line must be {\"auth\":\"TOKEN\"}", Map.of());
                            }
                            errors.add(lineError(
                                    "line_too_long",
                                    "the line is longer than " + limits.maxLine() + " bytes; it was skipped",
                                    Map.of("limit", limits.maxLine())));
                            continue;
                        }
                        if (isBlank(lineFrom, lineTo)) {
                            continue;
                        }
                        if (!authenticated) {
                            Role role = authenticate(lineFrom, lineTo);
                            Map<String, Object> ok = new LinkedHashMap<>();
                            ok.put("ok", true);
                            ok.put("role", role.label());
                            sink.put(Json.bytes(ok));
                            sink.put((byte) '\n');
                            authenticated = true;
                            break;
                        }
                        if (ws == null) {
                            deadline = System.nanoTime() + deadlineNanos;
                            ws = service.admit(deadline);
                        }
                        try {
                            ws.fields.replaceCountry(country != null);
                            codec.readOne(buf, lineFrom, lineTo - lineFrom, ws.batch, ws.fields, errors.size());
                            errors.add(null);
                        } catch (MeridianException e) {
                            errors.add(lineError(e.code(), e.getMessage(), e.detail()));
                        }
                    }
                    answer(ws, errors, sink, deadline);
                } catch (RefusedException e) { // a failed handshake, a silent or too slow client: say why, close
                    sink.put(Json.bytes(lineError(e.code(), e.getMessage(), e.detail())));
                    sink.put((byte) '\n');
                    eof = true;
                } catch (MeridianException e) { // refused (overloaded, past the deadline): every line gets it
                    if (e.code().equals("buffer_budget")) {
                        eof = true; // the line cannot be read: answer and close
                    }
                    for (int i = 0; i < Math.max(1, errors.size()); i++) {
                        metrics.tcpLine(false);
                        sink.put(Json.bytes(lineError(e.code(), e.getMessage(), e.detail())));
                        sink.put((byte) '\n');
                    }
                } finally {
                    if (ws != null) {
                        service.release(ws);
                    }
                }
                sink.drain();
                out.flush();
                shrink();
                if (stop) {
                    break;
                }
            }
        }

        private void answer(EnrichService.Workspace ws, List<Object> errors, ByteSink sink, long deadline)
                throws IOException {
            RefSetRegistry.Entry refs = ws == null ? null : registry.get(null);
            PlaceText places = null;
            if (ws != null) {
                EnrichOptions options =
                        country == null ? EnrichOptions.NEAREST : EnrichOptions.NEAREST.withRegions(country.lookup());
                service.enrich(ws, refs.enricher(), options, deadline);
                places = codec.places(refs.set());
            }
            int record = 0;
            for (Object error : errors) {
                if (error == null) {
                    codec.writeRecord(sink, ws.fields, ws.batch, record++, ws.matches, places, false);
                    metrics.tcpLine(true);
                } else {
                    sink.put(Json.bytes(error));
                    metrics.tcpLine(false);
                }
                sink.put((byte) '\n');
                sink.flushIfOver(1 << 16);
            }
        }

        /** The role of the token in a handshake line {@code {"auth":"TOKEN"}}; refused otherwise. */
        private Role authenticate(int from, int to) {
            String token = null;
            try (JsonParser p = Json.factory().createParser(buf, from, to - from)) {
                if (p.nextToken() == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        JsonToken v = p.nextToken();
                        if (field.equals("auth") && v == JsonToken.VALUE_STRING) {
                            token = p.getText();
                        } else {
                            p.skipChildren();
                        }
                    }
                }
            } catch (IOException e) {
                token = null; // not the handshake: refused below
            }
            Role role = token == null ? null : tokens.roleOf(token);
            if (role == null) {
                throw new RefusedException(
                        "unauthorized",
                        token == null
                                ? "this endpoint needs a token: send {\"auth\":\"TOKEN\"} as the first line"
                                : "the token is not valid",
                        Map.of());
            }
            return role;
        }

        private Map<String, Object> lineError(String code, String message, Map<String, Object> detail) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("line", lineNo);
            detail.forEach((k, v) -> {
                if (!k.equals("line") && !k.equals("record")) {
                    d.put(k.equals("column") ? "column" : k, v);
                }
            });
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", code);
            m.put("message", "line " + lineNo + ": " + message);
            m.put("detail", d);
            return m;
        }

        /**
         * The next line into {@code lineFrom..lineTo} ({@code \r\n} or {@code \n} ended, or the last bytes
         * before end of input). Reads only when {@code block}; a line longer than the limit is skipped to its
         * end and reported as {@link Next#TOO_LONG}.
         */
        private Next nextLine(InputStream in, boolean block) throws IOException {
            while (true) {
                int nl = indexOf((byte) '\n', start + scanned, end);
                if (nl >= 0) {
                    lineNo++;
                    lineStarted = 0;
                    scanned = 0;
                    if (skipping) {
                        skipping = false;
                        start = nl + 1;
                        return Next.TOO_LONG;
                    }
                    lineFrom = start;
                    lineTo = nl > start && buf[nl - 1] == '\r' ? nl - 1 : nl;
                    start = nl + 1;
                    return Next.LINE;
                }
                scanned = end - start;
                if (skipping) {
                    start = end = scanned = 0; // drop what we have of the over-long line
                }
                if (!block) {
                    return Next.NONE;
                }
                if (!fill(in)) {
                    if (skipping) {
                        skipping = false;
                        lineNo++;
                        return Next.TOO_LONG;
                    }
                    if (end > start) { // a last line without newline
                        lineNo++;
                        lineFrom = start;
                        lineTo = end;
                        start = end;
                        scanned = 0;
                        return Next.LINE;
                    }
                    return Next.EOF;
                }
            }
        }

        /**
         * Reads more bytes; false at end of input. Waits at most the idle timeout, and for an unfinished
         * line at most the request deadline from when its bytes were first waited for.
         */
        private boolean fill(InputStream in) throws IOException {
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buf.length) {
                if (buf.length >= limits.maxLine()) {
                    skipping = true; // the line is too long: drop it up to its newline
                    start = end = scanned = 0;
                } else {
                    int bigger = Math.min(limits.maxLine(), buf.length * 2);
                    if (!reserve(bigger - buf.length)) {
                        throw new UnavailableException(
                                "buffer_budget",
                                "the server is buffering too many unfinished lines; send shorter lines or retry"
                                        + " later",
                                Map.of("retry_after_s", 1L),
                                null);
                    }
                    buf = Arrays.copyOf(buf, bigger);
                }
            }
            long now = System.nanoTime();
            long waitMs = limits.idleTimeoutMs();
            boolean partial = end > start || skipping;
            if (partial) {
                if (lineStarted == 0) {
                    lineStarted = now;
                }
                waitMs = Math.min(waitMs, TimeUnit.NANOSECONDS.toMillis(lineStarted + deadlineNanos - now));
            }
            if (waitMs <= 0) {
                throw slow(partial);
            }
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, waitMs));
            int n;
            try {
                n = in.read(buf, end, buf.length - end);
            } catch (SocketTimeoutException e) {
                throw slow(partial || end > start);
            }
            if (n < 0) {
                return false;
            }
            end += n;
            return true;
        }

        private RefusedException slow(boolean partial) {
            metrics.rejected(Metrics.Rejection.DEADLINE);
            return partial
                    ? new RefusedException(
                            "request_timeout",
                            "the line was not completed within " + TimeUnit.NANOSECONDS.toMillis(deadlineNanos)
                                    + " ms; closing",
                            Map.of())
                    : new RefusedException(
                            "idle_timeout",
                            "nothing received for " + limits.idleTimeoutMs() + " ms; closing",
                            Map.of());
        }

        /** Gives a grown buffer back to the budget once it holds no more than a starting buffer's worth. */
        private void shrink() {
            if (buf.length > INITIAL_BUFFER && end - start <= INITIAL_BUFFER / 2 && !skipping) {
                byte[] small = new byte[INITIAL_BUFFER];
                System.arraycopy(buf, start, small, 0, end - start);
                buffered.addAndGet(-(buf.length - INITIAL_BUFFER));
                end -= start;
                start = 0;
                buf = small;
            }
        }

        private int indexOf(byte b, int from, int to) {
            for (int i = from; i < to; i++) {
                if (buf[i] == b) {
                    return i;
                }
            }
            return -1;
        }

        private boolean isBlank(int from, int to) {
            for (int i = from; i < to; i++) {
                byte c = buf[i];
                if (c != ' ' && c != '\t' && c != '\r') {
                    return false;
                }
            }
            return true;
        }
    }
}
