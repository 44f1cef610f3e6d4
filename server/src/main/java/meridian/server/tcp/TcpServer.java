package meridian.server.tcp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import meridian.core.enrich.EnrichOptions;
import meridian.core.error.InvalidInputException;
import meridian.core.error.MeridianException;
import meridian.server.exec.EnrichService;
import meridian.server.json.ByteSink;
import meridian.server.json.Json;
import meridian.server.json.PlaceText;
import meridian.server.json.RecordCodec;
import meridian.server.metrics.Metrics;
import meridian.server.refs.RefSetRegistry;

/**
 * The stream endpoint: newline-delimited JSON records in, one enriched line out per line, in order.
 *
 * <p>One virtual thread per connection reads whatever lines have arrived (up to {@link #MAX_BATCH}), parses
 * them into a batch, has the batch enriched on the shared CPU pool (same admission and permits as HTTP),
 * and writes the answers in input order. A line that cannot be used gets an error line
 * {@code {"error":CODE,"message":...,"detail":{"line":N}}} in its place and the connection stays open.
 * A line longer than the limit is answered with an error line, then the connection is closed. Blank lines
 * are ignored.
 */
public final class TcpServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TcpServer.class.getName());
    static final int MAX_BATCH = 4096;

    private final RefSetRegistry registry;
    private final EnrichService service;
    private final RecordCodec codec;
    private final Metrics metrics;
    private final int maxLine;
    private final long deadlineNanos;
    private final ServerSocket socket;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closing;

    public TcpServer(
            String host,
            int port,
            RefSetRegistry registry,
            EnrichService service,
            RecordCodec codec,
            Metrics metrics,
            int maxLine,
            long deadlineMs)
            throws IOException {
        this.registry = registry;
        this.service = service;
        this.codec = codec;
        this.metrics = metrics;
        this.maxLine = maxLine;
        this.deadlineNanos = TimeUnit.MILLISECONDS.toNanos(deadlineMs);
        this.socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(host), port), 1024);
        this.acceptor = Thread.ofVirtual().name("meridian-tcp-accept").start(this::acceptLoop);
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void acceptLoop() {
        while (!closing) {
            try {
                Socket s = socket.accept();
                s.setTcpNoDelay(true);
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

    /** One client: reads lines, answers them in order. */
    private final class Connection implements Runnable {
        private final Socket s;
        private volatile Thread thread;
        private volatile boolean stop;
        private byte[] buf = new byte[64 * 1024];
        private int start; // first unconsumed byte
        private int end; // end of valid bytes
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
                metrics.tcpClosed();
            }
        }

        private void serve(InputStream in, OutputStream out) throws IOException {
            ByteSink sink = new ByteSink(out);
            List<Object> errors = new ArrayList<>(); // index-aligned: null for a good line
            boolean eof = false;
            while (!eof) {
                // Block for at least one line, then take every complete line already buffered.
                long deadline = 0;
                EnrichService.Workspace ws = null;
                errors.clear();
                try {
                    int lines = 0;
                    while (lines < MAX_BATCH) {
                        int nl = indexOf((byte) '\n', start, end);
                        if (nl < 0) {
                            if (lines > 0) {
                                break; // answer what has arrived before blocking for more
                            }
                            if (!fill(in)) {
                                eof = true;
                                if (end > start) { // a last line without newline
                                    nl = end;
                                } else {
                                    break;
                                }
                            } else {
                                continue;
                            }
                        }
                        lineNo++;
                        int from = start;
                        int to = nl;
                        start = Math.min(end, nl + 1);
                        if (to > from && buf[to - 1] == '\r') {
                            to--;
                        }
                        if (isBlank(from, to)) {
                            continue;
                        }
                        if (ws == null) {
                            deadline = System.nanoTime() + deadlineNanos;
                            ws = service.admit(deadline);
                        }
                        lines++;
                        try {
                            codec.readOne(buf, from, to - from, ws.batch, ws.fields, errors.size());
                            errors.add(null);
                        } catch (MeridianException e) {
                            errors.add(lineError(e.code(), e.getMessage(), e.detail()));
                        }
                    }
                    if (ws != null) {
                        answer(ws, errors, sink, deadline);
                    }
                } catch (MeridianException e) { // refused (overloaded, past the deadline) or a line too long
                    if (e.code().equals("line_too_long")) {
                        lineNo++;
                        eof = true; // cannot find the next line start cheaply: answer and close
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
                if (stop) {
                    break;
                }
            }
        }

        private void answer(EnrichService.Workspace ws, List<Object> errors, ByteSink sink, long deadline)
                throws IOException {
            RefSetRegistry.Entry refs = registry.get(null);
            service.enrich(ws, refs.enricher(), EnrichOptions.NEAREST, deadline);
            PlaceText places = codec.places(refs.set());
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

        /** Reads more bytes; false at end of input. Handles over-long lines by failing them. */
        private boolean fill(InputStream in) throws IOException {
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buf.length) {
                if (buf.length >= maxLine) {
                    throw new InvalidInputException(
                            "line_too_long", "a line is longer than " + maxLine + " bytes", Map.of("limit", maxLine));
                }
                buf = Arrays.copyOf(buf, Math.min(maxLine, buf.length * 2));
            }
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                return false;
            }
            end += n;
            return true;
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
