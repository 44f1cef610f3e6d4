package meridian.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import meridian.core.enrich.EnrichOptions;
import meridian.core.error.ConflictException;
import meridian.core.error.InvalidInputException;
import meridian.core.error.MeridianException;
import meridian.core.error.NotFoundException;
import meridian.core.error.RefusedException;
import meridian.core.error.UnavailableException;
import meridian.core.refs.ErrorPolicy;
import meridian.core.refs.LoadResult;
import meridian.core.refs.ReferenceSetReader;
import meridian.core.refs.RowError;
import meridian.server.ServerConfig;
import meridian.server.exec.EnrichService;
import meridian.server.exec.RequestScope;
import meridian.server.json.Json;
import meridian.server.json.RecordCodec;
import meridian.server.metrics.Metrics;
import meridian.server.metrics.Metrics.Route;
import meridian.server.refs.RefSetRegistry;

/**
 * The HTTP surface: one plain handler method per route, wired in {@link #routing}. Every handler runs on
 * the connection's virtual thread, which reads the body, parses it as it streams in, waits for the CPU
 * stage, and writes the answer as it is serialized; enrichment itself runs on the {@code CpuPool}.
 *
 * <p>Every failure is answered at one boundary ({@link #guarded}): product errors map to 4xx/5xx JSON
 * bodies by type and code, anything else is a bug, logged with a request id and answered 500 with that id.
 */
public final class HttpApi {
    private static final System.Logger LOG = System.getLogger(HttpApi.class.getName());
    private static final String JSON = "application/json";

    private final ServerConfig config;
    private final RefSetRegistry registry;
    private final EnrichService service;
    private final RecordCodec codec;
    private final Metrics metrics;
    private final BooleanSupplier draining;
    private final String version;
    private final AtomicLong requestIds = new AtomicLong();
    private final long deadlineNanos;
    private final UsersApi users; // null when the store is off
    private final meridian.server.StoreAccess store;
    private final byte[] hello;
    private final StaticAssets assets = new StaticAssets();

    public HttpApi(
            ServerConfig config,
            RefSetRegistry registry,
            EnrichService service,
            RecordCodec codec,
            Metrics metrics,
            BooleanSupplier draining,
            String version,
            meridian.server.StoreAccess store) {
        this.config = config;
        this.registry = registry;
        this.service = service;
        this.codec = codec;
        this.metrics = metrics;
        this.draining = draining;
        this.version = version;
        this.deadlineNanos = TimeUnit.MILLISECONDS.toNanos(config.requestDeadlineMs());
        this.store = store;
        this.users = store == null ? null : new UsersApi(store, registry, config.maxBodyBytes());
        this.hello =
                ("Meridian " + version + ": nearest-place enrichment. POST /enrich\n").getBytes(StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    interface Handler {
        void handle(ServerRequest req, ServerResponse res, long deadlineNanos) throws Exception;
    }

    public void routing(HttpRouting.Builder r) {
        r.get("/", guarded(Route.ROOT, this::root))
                .post("/enrich", guarded(Route.ENRICH, this::enrich))
                .get("/health", guarded(Route.HEALTH, this::health))
                .get("/metrics", guarded(Route.METRICS, this::metrics))
                .get("/refsets", guarded(Route.REFSETS_LIST, this::listRefsets))
                .put("/refsets/{name}", guarded(Route.REFSETS_PUT, this::putRefset))
                .delete("/refsets/{name}", guarded(Route.REFSETS_DELETE, this::deleteRefset))
                .get(StaticAssets.POINTS_PATH, guarded(Route.UI, this::mapPoints));
        for (String path : StaticAssets.PATHS) {
            r.get(path, guarded(path.equals("/openapi.json") ? Route.OPENAPI : Route.UI, this::asset));
        }
        if (users != null) {
            r.post("/users", guarded(Route.USERS_CREATE, users::create))
                    .get("/users", guarded(Route.USERS_LIST, users::list))
                    .get("/users/{id}", guarded(Route.USERS_GET, users::get))
                    .put("/users/{id}", guarded(Route.USERS_UPDATE, users::update))
                    .delete("/users/{id}", guarded(Route.USERS_DELETE, users::delete))
                    .post("/events", guarded(Route.EVENTS, users::ingest));
        }
        r.route(m -> true, io.helidon.http.PathMatchers.any(), guarded(Route.OTHER, this::fallback));
    }

    private io.helidon.webserver.http.Handler guarded(Route route, Handler h) {
        return (req, res) -> {
            long start = System.nanoTime();
            metrics.httpRequestStarted();
            try {
                h.handle(req, res, start + deadlineNanos);
            } catch (Throwable e) {
                fail(req, res, e);
            } finally {
                metrics.httpRequestFinished();
                metrics.request(route, res.status().code(), System.nanoTime() - start);
            }
        };
    }

    private void fail(ServerRequest req, ServerResponse res, Throwable e) {
        if (e instanceof MeridianException m) {
            int status = status(m);
            if (status == 413) {
                metrics.rejected(Metrics.Rejection.TOO_LARGE);
            }
            if (res.isSent()) {
                LOG.log(System.Logger.Level.DEBUG, "error after the response started: " + m.getMessage());
                return;
            }
            res.status(status);
            if (m instanceof UnavailableException && m.detail().get("retry_after_s") instanceof Number n) {
                res.header(HeaderNames.RETRY_AFTER, n.toString());
            }
            if (status == 413 || status == 503 || status == 504) {
                // the body may be left unread: do not try to reuse the connection
                res.header(HeaderNames.CONNECTION, "close");
            }
            send(res, Json.error(m.code(), m.getMessage(), m.detail()));
            return;
        }
        if (clientGone(e)) {
            metrics.rejected(Metrics.Rejection.CLIENT_GONE);
            LOG.log(System.Logger.Level.DEBUG, "client went away: " + e);
            if (!res.isSent()) {
                res.status(499); // recorded in metrics; the client is no longer there to read it
                res.header(HeaderNames.CONNECTION, "close");
                try {
                    res.send();
                } catch (RuntimeException ignored) {
                    // the connection is gone
                }
            }
            return;
        }
        String id = Long.toHexString(requestIds.incrementAndGet()) + "-" + Long.toHexString(System.nanoTime());
        LOG.log(System.Logger.Level.ERROR, "request " + id + " (" + req.prologue() + ") failed", e);
        if (res.isSent()) {
            return;
        }
        res.status(500);
        res.header(HeaderNames.CONNECTION, "close");
        send(
                res,
                Json.error(
                        "internal_error",
                        "the server failed to handle this request (request id " + id + "); it has been logged",
                        Map.of("request_id", id)));
    }

    private static boolean clientGone(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return true;
            }
            String name = t.getClass().getName();
            if (name.startsWith("io.helidon") && (name.contains("Closed") || name.contains("InsufficientData"))) {
                return true;
            }
        }
        return false;
    }

    static int status(MeridianException m) {
        return switch (m) {
            case InvalidInputException i -> "body_too_large".equals(i.code()) ? 413 : 400;
            case NotFoundException n -> 404;
            case ConflictException c -> 409;
            case RefusedException r ->
                switch (r.code()) {
                    case "unauthorized" -> 401;
                    case "request_timeout" -> 408;
                    case "unsupported_media_type" -> 415;
                    case "misdirected_request" -> 421;
                    default -> 403;
                };
            case UnavailableException u ->
                switch (u.code()) {
                    case "deadline_exceeded" -> 504;
                    case "cancelled" -> 499;
                    default -> 503;
                };
        };
    }

    private static void send(ServerResponse res, byte[] json) {
        res.header(HeaderNames.CONTENT_TYPE, JSON);
        res.send(json);
    }

    // --- handlers ---

    private void root(ServerRequest req, ServerResponse res, long deadline) {
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.send(("Meridian " + version + ": nearest-place enrichment. POST /enrich\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    private void enrich(ServerRequest req, ServerResponse res, long deadline) throws IOException {
        EnrichOptions options = options(req);
        boolean fullPlaces = fullPlaces(req.query().first("places").orElse(null));
        RefSetRegistry.Entry refs = registry.get(req.query().first("refs").orElse(null));
        checkLength(req);
        EnrichService.Workspace ws = service.admit(deadline);
        try {
            InputStream body = new BodyStream(req.content().inputStream(), config.maxBodyBytes(), deadline);
            codec.readArray(body, ws.batch, ws.reader);
            service.enrich(ws, refs.enricher(), options, deadline);
            res.header(HeaderNames.CONTENT_TYPE, JSON);
            // Large writes: each write to the response stream becomes one HTTP chunk and one socket write.
            try (OutputStream out = new ReusableBufferedOutput(res.outputStream(), ws.output);
                    JsonGenerator g = codec.generator(out)) {
                codec.writeArray(g, ws.batch, ws.matches, refs.set(), options.k() > 1, fullPlaces);
            }
        } finally {
            service.release(ws);
        }
    }

    private void checkLength(ServerRequest req) {
        OptionalLong length = req.headers().contentLength();
        if (length.isPresent() && length.getAsLong() > config.maxBodyBytes()) {
            throw BodyStream.tooLarge(config.maxBodyBytes(), length.getAsLong());
        }
    }

    private static EnrichOptions options(ServerRequest req) {
        int k = 1;
        double maxKm = Double.POSITIVE_INFINITY;
        var q = req.query();
        if (q.contains("k")) {
            String v = q.get("k");
            try {
                k = Integer.parseInt(v.strip());
            } catch (NumberFormatException e) {
                throw new InvalidInputException(
                        "invalid_option",
                        "query option k must be an integer between 1 and " + EnrichOptions.MAX_K + ", got '" + v + "'",
                        Map.of("field", "k", "value", v));
            }
        }
        if (q.contains("max_km")) {
            String v = q.get("max_km");
            try {
                maxKm = Double.parseDouble(v.strip());
            } catch (NumberFormatException e) {
                throw new InvalidInputException(
                        "invalid_option",
                        "query option max_km must be a non-negative number of kilometres, got '" + v + "'",
                        Map.of("field", "max_km", "value", v));
            }
        }
        for (String name : q.names()) {
            if (!name.equals("k") && !name.equals("max_km") && !name.equals("refs") && !name.equals("places")) {
                throw new InvalidInputException(
                        "invalid_option",
                        "unknown query option '" + name + "' (known: k, max_km, refs, places)",
                        Map.of("field", name));
            }
        }
        return new EnrichOptions(k, maxKm);
    }

    /** {@code places=full} adds each place's lat, lon and attribute columns; {@code brief} (default) does not. */
    private static boolean fullPlaces(String v) {
        if (v == null || v.equals("brief")) {
            return false;
        }
        if (v.equals("full")) {
            return true;
        }
        throw new InvalidInputException(
                "invalid_option",
                "query option places must be 'brief' or 'full', got '" + v + "'",
                Map.of("field", "places", "value", v));
    }

    private void asset(ServerRequest req, ServerResponse res, long deadline) {
        serve(req, res, assets.get(req.path().path()).orElseThrow());
    }

    private void mapPoints(ServerRequest req, ServerResponse res, long deadline) {
        var q = req.query();
        RefSetRegistry.Entry refs = registry.get(q.first("refs").orElse(null));
        serve(req, res, assets.points(refs.set(), q.first("limit").orElse(null)));
    }

    private static void serve(ServerRequest req, ServerResponse res, StaticAssets.Asset a) {
        res.header(HeaderNames.ETAG, a.etag());
        res.header(HeaderNames.CACHE_CONTROL, a.cacheControl());
        if (a.matches(req.headers().first(HeaderNames.IF_NONE_MATCH).orElse(null))) {
            res.status(304);
            res.send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, a.contentType());
        res.send(a.body());
    }

    private void health(ServerRequest req, ServerResponse res, long deadline) {
        boolean loaded = registry.ready();
        boolean ready = loaded && !draining.getAsBoolean();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", ready ? "UP" : (loaded ? "DRAINING" : "STARTING"));
        m.put("live", true);
        m.put("ready", ready);
        m.put("version", version);
        m.put("default_refset", registry.defaultName());
        m.put("refsets", registry.size());
        m.put("in_flight", service.admitted());
        m.put("database", store == null ? "off" : store.isOpen() ? "open" : "unavailable");
        res.status(ready ? 200 : 503);
        send(res, Json.bytes(m));
    }

    private void metrics(ServerRequest req, ServerResponse res, long deadline) {
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        res.send(metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }

    private void listRefsets(ServerRequest req, ServerResponse res, long deadline) {
        List<Object> sets = new ArrayList<>();
        for (RefSetRegistry.Entry e : registry.list()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e.set().name());
            m.put("places", e.set().size());
            m.put("attributes", e.set().attributeNames());
            m.put("default", e.set().name().equals(registry.defaultName()));
            sets.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("default", registry.defaultName());
        body.put("refsets", sets);
        send(res, Json.bytes(body));
    }

    private void putRefset(ServerRequest req, ServerResponse res, long deadline) throws Exception {
        String name = req.path().pathParameters().get("name");
        RefSetRegistry.checkName(name);
        String onError = req.query().first("on_error").orElse("fail");
        if (!onError.equals("fail") && !onError.equals("skip")) {
            throw new InvalidInputException(
                    "invalid_option",
                    "query option on_error must be 'fail' or 'skip', got '" + onError + "'",
                    Map.of("field", "on_error", "value", onError));
        }
        checkLength(req);
        // Read the (bounded) body on this I/O thread; parse and index on the CPU pool.
        byte[] csv = new BodyStream(req.content().inputStream(), config.maxBodyBytes(), deadline).readAllBytes();
        LoadResult[] result = new LoadResult[1];
        if (!service.pool()
                .tryAcquire(Math.max(
                        0,
                        Math.min(
                                TimeUnit.MILLISECONDS.toNanos(config.admissionWaitMs()),
                                deadline - System.nanoTime())))) {
            metrics.rejected(Metrics.Rejection.OVERLOADED);
            throw new UnavailableException(
                    "overloaded", "the server is saturated; retry later", Map.of("retry_after_s", 1L), null);
        }
        try (RequestScope scope = new RequestScope(service.pool(), deadline)) {
            scope.fork(() -> result[0] =
                    ReferenceSetReader.readCsv(new ByteArrayInputStream(csv), "request body", name, ErrorPolicy.SKIP));
            try {
                scope.join();
            } catch (java.util.concurrent.TimeoutException e) {
                throw EnrichService.deadline();
            }
        } finally {
            service.pool().release();
        }
        LoadResult r = result[0];
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("name", name);
        report.put("places", r.set().size());
        report.put("rows_read", r.rowsRead());
        report.put("skipped", r.skipped());
        List<Object> errors = new ArrayList<>();
        for (RowError e : r.errors()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("line", e.line());
            if (e.field() != null) {
                m.put("field", e.field());
            }
            m.put("reason", e.reason());
            errors.add(m);
        }
        report.put("errors", errors);
        if (r.skipped() > 0 && onError.equals("fail")) {
            RowError first = r.errors().getFirst();
            throw new InvalidInputException(
                    "invalid_reference_rows",
                    r.skipped() + " bad row(s) in the reference set '" + name + "'; first: line " + first.line()
                            + (first.field() == null ? "" : ", field '" + first.field() + "'") + ": "
                            + first.reason() + " (nothing was loaded; add ?on_error=skip to load the good rows)",
                    report);
        }
        boolean created = registry.put(r.set());
        res.status(created ? 201 : 200);
        send(res, Json.bytes(report));
    }

    private void deleteRefset(ServerRequest req, ServerResponse res, long deadline) {
        String name = req.path().pathParameters().get("name");
        registry.delete(name);
        send(res, Json.bytes(Map.of("deleted", name)));
    }

    private void fallback(ServerRequest req, ServerResponse res, long deadline) {
        String path = req.path().path();
        Method method = req.prologue().method();
        boolean known = path.equals("/")
                || path.equals("/enrich")
                || path.equals("/health")
                || path.equals("/metrics")
                || path.equals("/refsets")
                || path.startsWith("/refsets/")
                || StaticAssets.serves(path)
                || (users != null && (path.equals("/users") || path.startsWith("/users/") || path.equals("/events")));
        if (known) {
            res.status(405);
            send(
                    res,
                    Json.error(
                            "method_not_allowed",
                            method.text() + " is not supported on " + path,
                            Map.of("method", method.text(), "path", path)));
        } else {
            res.status(404);
            send(res, Json.error("not_found", "no such endpoint: " + method.text() + " " + path, Map.of("path", path)));
        }
    }
}
