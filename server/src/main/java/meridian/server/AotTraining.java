package meridian.server;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The run that records the ahead-of-time cache (the launcher's first {@code serve}, flagged with
 * {@code -Dmeridian.aot.recording=true}) sends itself a few ordinary requests once it listens, so that the
 * cache holds the classes of the request path even when that first run is stopped before any client came.
 * Measured: with a cache recorded by a run that answered nothing, every later start held 64.4-64.8 MB idle
 * after its first 100-record request (the request path's classes loaded from the jar), against 58.4-58.7 MB
 * with a cache recorded by a run that answered requests (two seed places).
 *
 * <p>The requests are what any client could send: {@code GET /health}, {@code GET /} and a two-record
 * {@code POST /enrich} over loopback, and a line on the TCP stream when it is on; with bearer tokens
 * required they are refused (401), which still runs most of the path. Nothing waits for them.
 */
public final class AotTraining {
    static final String PROPERTY = "meridian.aot.recording";

    private static final String PARIS = "{\"id\":1,\"point\":{\"lat\":48.8566,\"lon\":2.3522},\"payload\":[1.5]}";

    private static final String TOKYO = "{\"id\":2,\"point\":{\"lat\":35.6895,\"lon\":139.6917},\"payload\":[2.5]}";

    private static final String BODY = "[" + PARIS + "," + TOKYO + "]";

    private AotTraining() {}

    /** Whether this run records the ahead-of-time cache (the launcher says so with {@value #PROPERTY}). */
    public static boolean recording() {
        return Boolean.getBoolean(PROPERTY);
    }

    /** Starts the requests on a virtual thread when this run records the cache; otherwise does nothing. */
    static void exerciseIfRecording(MeridianServer server) {
        if (!recording()) {
            return;
        }
        markServed();
        String host = loopbackFor(server.config().host());
        Thread.ofVirtual().name("meridian-aot-training").start(() -> {
            try {
                http(host, server.httpPort(), "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
                http(host, server.httpPort(), "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
                http(
                        host,
                        server.httpPort(),
                        "POST /enrich HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Content-Length: " + BODY.length() + "\r\n\r\n" + BODY);
                if (server.tcpPort() > 0) {
                    exchange(host, server.tcpPort(), PARIS + "\n", '\n');
                }
            } catch (IOException e) {
                // the cache is then recorded without these classes: slower first requests, nothing else
                System.Logger log = System.getLogger(AotTraining.class.getName());
                log.log(System.Logger.Level.DEBUG, "training requests failed: " + e);
            }
        });
    }

    /**
     * The launcher's mark that the run recording the cache got as far as serving (the file {@value #SERVED} names):
     * only then is its cache used by later starts. A first start after a build that stops before it listens (a
     * usage error, {@code --help}, a port in use) records a cache without the service's classes, which the next
     * start then records anew instead of using.
     */
    private static void markServed() {
        String mark = System.getProperty(SERVED);
        if (mark == null) {
            return;
        }
        try {
            Files.writeString(Path.of(mark), "");
        } catch (IOException | RuntimeException e) {
            // then the next start records the cache again: a slower start once, nothing else
        }
    }

    static final String SERVED = "meridian.aot.served";

    /** The address to reach a server bound to {@code host} from the same machine. */
    static String loopbackFor(String host) {
        return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")
                ? "127.0.0.1"
                : host;
    }

    /** One request on its own connection, read until the server closes it ({@code Connection: close}). */
    private static void http(String host, int port, String request) throws IOException {
        exchange(host, port, request.replace("HTTP/1.1\r\n", "HTTP/1.1\r\nConnection: close\r\n"), -1);
    }

    /**
     * Sends the text and reads the answer up to the byte {@code last} (or to the end, for -1), each read bounded
     * by 5 s. The client does not half-close: the service takes a FIN as a client that has gone.
     */
    private static void exchange(String host, int port, String text, int last) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream());
            for (int b = in.read(); b >= 0 && b != last; b = in.read()) {
                // discard the answer
            }
        }
    }
}
