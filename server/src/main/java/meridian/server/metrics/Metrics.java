package meridian.server.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The service's counters, gauges and histograms, written in the Prometheus text exposition format (0.0.4).
 *
 * <p>Hand-written on purpose: the set of series is small and fixed (routes and statuses are known), so
 * plain arrays of atomics give allocation-free recording on the hot path with no registry, no label maps
 * and no dependency; the exposition is a few dozen lines of text built on scrape.
 */
public final class Metrics {
    /** The routes, as label values; fixed so that per-route series live in arrays. */
    public enum Route {
        ROOT("/"),
        ENRICH("/enrich"),
        HEALTH("/health"),
        METRICS("/metrics"),
        REFSETS_LIST("/refsets"),
        REFSETS_PUT("/refsets/{name}"),
        REFSETS_DELETE("/refsets/{name}"),
        COUNTRIES("/countries"),
        USERS_CREATE("/users"),
        USERS_LIST("/users"),
        USERS_GET("/users/{id}"),
        USERS_UPDATE("/users/{id}"),
        USERS_DELETE("/users/{id}"),
        EVENTS("/events"),
        UI("/ui"),
        OPENAPI("/openapi.json"),
        OTHER("other");

        final String label;

        Route(String label) {
            this.label = label;
        }

        /** The path template this route serves, as in the {@code route} label ("other" for no route). */
        public String label() {
            return label;
        }
    }

    /** Why a request was refused before doing its work. */
    public enum Rejection {
        OVERLOADED,
        TOO_LARGE,
        DEADLINE,
        CLIENT_GONE,
        /** A client too slow to send its headers or body within the transport timeouts (408). */
        TIMEOUT
    }

    private static final int STATUSES = 600;

    private final AtomicLongArray requests = new AtomicLongArray(Route.values().length * STATUSES);
    private final Histogram[] latency = new Histogram[Route.values().length];
    private final Histogram queueWait = new Histogram(Histogram.LATENCY_BOUNDS);
    private final AtomicLongArray rejections = new AtomicLongArray(Rejection.values().length);
    private final LongAdder recordsEnriched = new LongAdder();
    private final AtomicLong httpActive = new AtomicLong();
    private final AtomicLong tcpActive = new AtomicLong();
    private final LongAdder tcpConnections = new LongAdder();
    private final LongAdder tcpLines = new LongAdder();
    private final LongAdder tcpErrors = new LongAdder();
    private volatile IntSupplier cpuPermitsInUse = () -> 0;
    private volatile IntSupplier cpuTasksRunning = () -> 0;
    private volatile IntSupplier cpuWaiting = () -> 0;
    private volatile IntSupplier admissionInUse = () -> 0;
    private volatile IntSupplier refsets = () -> 0;
    private volatile LongSupplier httpBufferBytes = () -> 0;
    private volatile LongSupplier httpBodyBytes = () -> 0;

    public Metrics() {
        for (int i = 0; i < latency.length; i++) {
            latency[i] = new Histogram(Histogram.LATENCY_BOUNDS);
        }
    }

    public void bindGauges(
            IntSupplier permitsInUse,
            IntSupplier tasksRunning,
            IntSupplier waiting,
            IntSupplier admission,
            IntSupplier refsetCount) {
        this.cpuPermitsInUse = permitsInUse;
        this.cpuTasksRunning = tasksRunning;
        this.cpuWaiting = waiting;
        this.admissionInUse = admission;
        this.refsets = refsetCount;
    }

    /** The HTTP layer's memory: bytes its buffer allocator holds, and request-body bytes held or reserved. */
    public void bindBuffers(LongSupplier bufferBytes, LongSupplier bodyBytes) {
        this.httpBufferBytes = bufferBytes;
        this.httpBodyBytes = bodyBytes;
    }

    public void request(Route route, int status, long nanos) {
        int s = status >= 0 && status < STATUSES ? status : 599;
        requests.incrementAndGet(route.ordinal() * STATUSES + s);
        latency[route.ordinal()].recordNanos(nanos);
    }

    public long requests(Route route, int status) {
        return requests.get(route.ordinal() * STATUSES + status);
    }

    public void queueWait(long nanos) {
        queueWait.recordNanos(nanos);
    }

    public void rejected(Rejection why) {
        rejections.incrementAndGet(why.ordinal());
    }

    public long rejections(Rejection why) {
        return rejections.get(why.ordinal());
    }

    public void enriched(int records) {
        recordsEnriched.add(records);
    }

    public long recordsEnriched() {
        return recordsEnriched.sum();
    }

    public void httpRequestStarted() {
        httpActive.incrementAndGet();
    }

    public void httpRequestFinished() {
        httpActive.decrementAndGet();
    }

    public long httpActive() {
        return httpActive.get();
    }

    public void tcpOpened() {
        tcpActive.incrementAndGet();
        tcpConnections.increment();
    }

    public void tcpClosed() {
        tcpActive.decrementAndGet();
    }

    public long tcpActive() {
        return tcpActive.get();
    }

    public void tcpLine(boolean ok) {
        tcpLines.increment();
        if (!ok) {
            tcpErrors.increment();
        }
    }

    public long tcpLines() {
        return tcpLines.sum();
    }

    /** The whole exposition, Prometheus text format 0.0.4. */
    public String scrape() {
        StringBuilder out = new StringBuilder(8192);
        header(out, "meridian_http_requests_total", "counter", "HTTP requests answered, by route and status.");
        Route[] routes = Route.values();
        for (Route r : routes) {
            for (int s = 0; s < STATUSES; s++) {
                long v = requests.get(r.ordinal() * STATUSES + s);
                if (v != 0) {
                    out.append("meridian_http_requests_total{route=\"")
                            .append(r.label)
                            .append("\",method=\"")
                            .append(method(r))
                            .append("\",status=\"")
                            .append(s)
                            .append("\"} ")
                            .append(v)
                            .append('\n');
                }
            }
        }
        header(
                out,
                "meridian_http_request_duration_seconds",
                "histogram",
                "Time from routing a request to its last byte written, by route.");
        for (Route r : routes) {
            if (latency[r.ordinal()].count() > 0) {
                latency[r.ordinal()].write(
                        out,
                        "meridian_http_request_duration_seconds",
                        "route=\"" + r.label + "\",method=\"" + method(r) + "\"");
            }
        }
        gauge(out, "meridian_http_requests_active", "HTTP requests being handled now.", httpActive.get());
        gauge(
                out,
                "meridian_http_buffer_bytes",
                "Bytes the HTTP layer's buffer allocator holds (request bodies being read, answers being written).",
                httpBufferBytes.getAsLong());
        gauge(
                out,
                "meridian_http_body_bytes",
                "Request-body bytes held or reserved against the body budget.",
                httpBodyBytes.getAsLong());
        gauge(out, "meridian_tcp_connections_active", "Open TCP stream connections.", tcpActive.get());
        counter(out, "meridian_tcp_connections_total", "TCP stream connections accepted.", tcpConnections.sum());
        counter(out, "meridian_tcp_lines_total", "Lines answered on the TCP stream endpoint.", tcpLines.sum());
        counter(out, "meridian_tcp_line_errors_total", "TCP lines answered with an error line.", tcpErrors.sum());
        gauge(
                out,
                "meridian_cpu_permits_in_use",
                "Requests holding a CPU permit (in the enrichment stage).",
                cpuPermitsInUse.getAsInt());
        gauge(out, "meridian_cpu_jobs_running", "Enrichment chunks executing now.", cpuTasksRunning.getAsInt());
        gauge(out, "meridian_cpu_permit_waiters", "Requests waiting for a CPU permit.", cpuWaiting.getAsInt());
        gauge(
                out,
                "meridian_admission_slots_in_use",
                "Requests admitted (holding a request workspace).",
                admissionInUse.getAsInt());
        header(
                out,
                "meridian_queue_wait_seconds",
                "histogram",
                "Time requests waited for admission and for a CPU permit.");
        queueWait.write(out, "meridian_queue_wait_seconds", "");
        header(out, "meridian_rejections_total", "counter", "Requests refused before their work, by reason.");
        for (Rejection r : Rejection.values()) {
            out.append("meridian_rejections_total{reason=\"")
                    .append(r.name().toLowerCase(java.util.Locale.ROOT))
                    .append("\"} ")
                    .append(rejections.get(r.ordinal()))
                    .append('\n');
        }
        counter(out, "meridian_records_enriched_total", "Records enriched (HTTP and TCP).", recordsEnriched.sum());
        gauge(out, "meridian_reference_sets", "Reference sets loaded.", refsets.getAsInt());
        return out.toString();
    }

    private static String method(Route r) {
        return switch (r) {
            case ENRICH, USERS_CREATE, EVENTS -> "POST";
            case REFSETS_PUT, USERS_UPDATE -> "PUT";
            case REFSETS_DELETE, USERS_DELETE -> "DELETE";
            case OTHER -> "any";
            default -> "GET";
        };
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, long v) {
        header(out, name, "gauge", help);
        out.append(name).append(' ').append(v).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, long v) {
        header(out, name, "counter", help);
        out.append(name).append(' ').append(v).append('\n');
    }
}
