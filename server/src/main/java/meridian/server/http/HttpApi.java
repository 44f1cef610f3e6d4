package meridian.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
import meridian.server.StoreAccess;
import meridian.server.exec.EnrichService;
import meridian.server.json.Json;
import meridian.server.json.PlaceText;
import meridian.server.json.RecordCodec;
import meridian.server.metrics.Metrics;
import meridian.server.metrics.Metrics.Route;
import meridian.server.refs.Countries;
import meridian.server.refs.CountryRegions;
import meridian.server.refs.RefSetRegistry;
import meridian.server.security.RequestGate;

/**
 * The HTTP surface: one plain handler method per route, chosen in {@link #route}. A handler gets the
 * request with its whole body ({@link Exchange}); quick ones ({@code GET /}, health, metrics, listings) run
 * on the connection's event loop, small {@code /enrich} bodies (see {@link #smallBodyBytes}) whole on the
 * {@code CpuPool}'s small-request threads, the rest on a virtual thread, which may block on admission, the
 * CPU stage or the database; their enrichment runs in chunks on the {@code CpuPool}.
 *
 * <p>Every failure is answered at one boundary ({@link #run}): product errors map to 4xx/5xx JSON
 * bodies by type and code ({@link #status}), anything else is a bug, logged with a request id and
 * answered 500 with that id.
 */
public final class HttpApi {
    private static final System.Logger LOG = System.getLogger(HttpApi.class.getName());
    private static final String JSON = "application/json";

    /**
     * Bodies up to this size ({@code small-body-bytes}, 64 KiB by default: about 200 records of the
     * benchmark's shape, a 64-value payload each) are parsed, enriched and answered as one task on the
     * {@code CpuPool}'s small-request threads, without admission or a CPU permit: the virtual thread,
     * admission and chunk hand-offs cost more than the parse, the search and the answer together (see
     * BENCHMARKS.md, "Small requests").
     */
    private final int smallBodyBytes;

    private final ServerConfig config;
    private final RefSetRegistry registry;
    private final CountryRegions regions;
    private final EnrichService service;
    private final RecordCodec codec;
    private final Metrics metrics;
    private final BooleanSupplier draining;
    private final String version;
    private final AtomicLong requestIds = new AtomicLong();
    private final long deadlineNanos;
    private final UsersApi users; // null when the store is off
    private final StoreAccess store;
    private final RequestGate gate;
    /** The answer to {@code GET /}, encoded once. */
    private final EncodedAnswer hello;

    private final StaticAssets assets = new StaticAssets();
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("meridian-http-", 0).factory());
    private final ThreadLocal<EnrichService.Workspace> smallWorkspace;

    public HttpApi(
            ServerConfig config,
            RefSetRegistry registry,
            CountryRegions regions,
            EnrichService service,
            RecordCodec codec,
            Metrics metrics,
            BooleanSupplier draining,
            String version,
            StoreAccess store,
            RequestGate gate) {
        this.config = config;
        this.registry = registry;
        this.regions = regions;
        this.service = service;
        this.smallWorkspace = ThreadLocal.withInitial(service::privateWorkspace);
        this.codec = codec;
        this.metrics = metrics;
        this.draining = draining;
        this.version = version;
        this.deadlineNanos = TimeUnit.MILLISECONDS.toNanos(config.requestDeadlineMs());
        this.store = store;
        this.gate = gate;
        this.smallBodyBytes = config.smallBodyBytes();
        this.scratch = new BodyScratch(config.cpuPermits(), BodyBudget.SLOT_BYTES);
        this.users = store == null ? null : new UsersApi(store, registry, service, config.maxBodyBytes());
        this.hello = new EncodedAnswer(
                "text/plain; charset=utf-8",
                ("Meridian " + version + ": nearest-place enrichment. POST /enrich\n")
                        .getBytes(StandardCharsets.UTF_8));
    }

    @FunctionalInterface
    interface Handler {
        void handle(Exchange ex) throws Exception;
    }

    /** Where a request goes: its route (for metrics), its handler, and whether it may run on the event loop. */
    record Target(Route route, Handler handler, boolean inline, String path, String param) {}

    // --- routing ---

    private final Target root = new Target(Route.ROOT, this::root, true, "/", null);
    private final Target health = new Target(Route.HEALTH, this::health, true, "/health", null);
    private final Target metricsTarget = new Target(Route.METRICS, this::metrics, true, "/metrics", null);
    private final Target enrich = new Target(Route.ENRICH, this::enrich, false, "/enrich", null);
    private final Target refsets = new Target(Route.REFSETS_LIST, this::listRefsets, true, "/refsets", null);
    private final Target countries = new Target(Route.COUNTRIES, this::countries, false, "/countries", null);

    /** The route of a request head; unknown paths and methods get the fallback (404/405). */
    Target route(HttpRequest req) {
        String uri = req.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        if (path.indexOf('%') >= 0) {
            path = QueryStringDecoder.decodeComponent(path);
        }
        HttpMethod m = req.method();
        switch (path) {
            case "/" -> {
                if (m == HttpMethod.GET) {
                    return root;
                }
            }
            case "/enrich" -> {
                if (m == HttpMethod.POST) {
                    return enrich;
                }
            }
            case "/health" -> {
                if (m == HttpMethod.GET) {
                    return health;
                }
            }
            case "/metrics" -> {
                if (m == HttpMethod.GET) {
                    return metricsTarget;
                }
            }
            case "/refsets" -> {
                if (m == HttpMethod.GET) {
                    return refsets;
                }
            }
            case "/countries" -> {
                if (m == HttpMethod.GET) {
                    return countries;
                }
            }
            default -> {
                String name = param(path, "/refsets/");
                if (name == null && m == HttpMethod.POST && path.startsWith("/refsets/") && path.endsWith("/reset")) {
                    String set = param(path.substring(0, path.length() - "/reset".length()), "/refsets/");
                    if (set != null) {
                        return new Target(Route.REFSETS_PUT, this::resetRefset, false, path, set);
                    }
                }
                if (name != null) {
                    if (m == HttpMethod.PUT) {
                        return new Target(Route.REFSETS_PUT, this::putRefset, false, path, name);
                    }
                    if (m == HttpMethod.DELETE) {
                        return new Target(Route.REFSETS_DELETE, this::deleteRefset, false, path, name);
                    }
                }
                if (users != null) {
                    String id = param(path, "/users/");
                    if (id != null) {
                        if (m == HttpMethod.GET) {
                            return new Target(Route.USERS_GET, users::get, false, path, id);
                        }
                        if (m == HttpMethod.PUT) {
                            return new Target(Route.USERS_UPDATE, users::update, false, path, id);
                        }
                        if (m == HttpMethod.DELETE) {
                            return new Target(Route.USERS_DELETE, users::delete, false, path, id);
                        }
                    }
                    if (path.equals("/users")) {
                        if (m == HttpMethod.POST) {
                            return new Target(Route.USERS_CREATE, users::create, false, path, null);
                        }
                        if (m == HttpMethod.GET) {
                            return new Target(Route.USERS_LIST, users::list, false, path, null);
                        }
                    }
                    if (path.equals("/events") && m == HttpMethod.POST) {
                        return new Target(Route.EVENTS, users::ingest, false, path, null);
                    }
                }
            }
        }
        if (m == HttpMethod.GET) {
            if (path.equals(StaticAssets.POINTS_PATH)) {
                return new Target(Route.UI, this::mapPoints, false, path, null);
            }
            if (StaticAssets.PATHS.contains(path)) {
                return new Target(
                        path.equals("/openapi.json") ? Route.OPENAPI : Route.UI, this::asset, true, path, null);
            }
        }
        return new Target(Route.OTHER, this::fallback, true, path, null);
    }

    /** The one segment after {@code prefix}, or null. */
    private static String param(String path, String prefix) {
        if (!path.startsWith(prefix) || path.length() == prefix.length()) {
            return null;
        }
        String rest = path.substring(prefix.length());
        return rest.indexOf('/') >= 0 ? null : rest;
    }

    /** Asks the request gate about a head, before any of its body is read. */
    void admitHead(HttpRequest req, Target t) {
        if (gate == RequestGate.OPEN) {
            return;
        }
        var h = req.headers();
        gate.check(new RequestGate.RequestHead(
                req.method().name(),
                t.path(),
                h.get(HttpHeaderNames.HOST),
                h.get(HttpHeaderNames.ORIGIN),
                h.get(HttpHeaderNames.CONTENT_TYPE),
                h.get(HttpHeaderNames.AUTHORIZATION)));
    }

    Exchange exchange(Connection conn, HttpRequest head, Target t, ByteBuf body, long start) {
        return new Exchange(
                conn, head, head.method().name(), t.path(), t.route(), t.param(), body, start, start + deadlineNanos);
    }

    /**
     * Runs the handler: here on the event loop when it is quick, on a small-request thread when it is a
     * small enrichment, else on a virtual thread.
     */
    void dispatch(Exchange ex) {
        Target t = targetOf(ex);
        // counted from here, not from when a thread takes it: a stop's drain then waits for the requests still
        // queued too, which otherwise ran after the event loops had stopped and could not write their answers
        metrics.httpRequestStarted();
        try {
            if (t.route() == Route.ENRICH && smallBodyBytes > 0 && ex.bodyBytes() <= smallBodyBytes) {
                ex.small = true;
                service.pool().runSmall(() -> run(ex, t.handler()));
            } else if (t.inline()) {
                run(ex, t.handler());
            } else {
                workers.execute(() -> {
                    ex.worker = Thread.currentThread();
                    run(ex, t.handler());
                });
            }
        } catch (RuntimeException e) {
            metrics.httpRequestFinished(); // not taken: it will not run
            throw e;
        }
    }

    private Target targetOf(Exchange ex) {
        return switch (ex.route) {
            case ROOT -> root;
            case HEALTH -> health;
            case METRICS -> metricsTarget;
            case ENRICH -> enrich;
            case REFSETS_LIST -> refsets;
            default -> route(ex.head);
        };
    }

    /** Runs a dispatched request (counted as started by {@link #dispatch}). */
    private void run(Exchange ex, Handler h) {
        try {
            h.handle(ex);
        } catch (Throwable e) {
            fail(ex, e);
        } finally {
            ex.release();
            metrics.httpRequestFinished();
            metrics.request(ex.route, ex.status(), System.nanoTime() - ex.startNanos);
        }
    }

    private void fail(Exchange ex, Throwable e) {
        if (e instanceof MeridianException m) {
            int status = status(m);
            if (status == 413) {
                metrics.rejected(Metrics.Rejection.TOO_LARGE);
            }
            if (ex.isStarted()) {
                LOG.log(System.Logger.Level.DEBUG, "error after the response started: " + m.getMessage());
                ex.conn.closeNow();
                return;
            }
            ex.status(status);
            if (m instanceof UnavailableException && m.detail().get("retry_after_s") instanceof Number n) {
                ex.header(HttpHeaderNames.RETRY_AFTER, n.toString());
            }
            if (status == 413 || status == 503 || status == 504 || m instanceof RefusedException) {
                // a client told to back off should reconnect, not keep its place
                ex.header(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            send(ex, Json.error(m.code(), m.getMessage(), m.detail()));
            return;
        }
        if (clientGone(e)) {
            metrics.rejected(Metrics.Rejection.CLIENT_GONE);
            LOG.log(System.Logger.Level.DEBUG, "client went away: " + e);
            ex.status(499); // recorded in metrics; the client is no longer there to read it
            ex.conn.closeNow();
            return;
        }
        String id = Long.toHexString(requestIds.incrementAndGet()) + "-" + Long.toHexString(System.nanoTime());
        LOG.log(System.Logger.Level.ERROR, "request " + id + " (" + ex.method + " " + ex.path + ") failed", e);
        if (ex.isStarted()) {
            ex.conn.closeNow();
            return;
        }
        ex.status(500);
        ex.header(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        send(
                ex,
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
        }
        return false;
    }

    // --- answers decided by the connection (before a handler runs) ---

    /** A refusal decided from the head or the body's size, before a handler runs. */
    void refused(Target t, MeridianException e, long start) {
        if (status(e) == 413) {
            metrics.rejected(Metrics.Rejection.TOO_LARGE);
        }
        metrics.request(t == null ? Route.OTHER : t.route(), status(e), System.nanoTime() - start);
    }

    FullHttpResponse errorResponse(MeridianException m) {
        FullHttpResponse res = jsonResponse(status(m), Json.error(m.code(), m.getMessage(), m.detail()));
        if (m instanceof UnavailableException && m.detail().get("retry_after_s") instanceof Number n) {
            res.headers().set(HttpHeaderNames.RETRY_AFTER, n.toString());
        }
        if (m instanceof RefusedException && "unauthorized".equals(m.code())) {
            Object challenge = m.detail().get("www_authenticate");
            res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, challenge == null ? "Bearer" : challenge.toString());
        }
        return res;
    }

    void timedOut(Target t, boolean inBody) {
        metrics.rejected(Metrics.Rejection.TIMEOUT);
        metrics.request(t == null || !inBody ? Route.OTHER : t.route(), 408, 0);
    }

    void malformed(long start) {
        metrics.request(Route.OTHER, 400, 0);
    }

    void connectionRefused() {
        metrics.rejected(Metrics.Rejection.OVERLOADED);
    }

    /** 413: a body over the limit, refused from its {@code Content-Length} or as soon as it grows past it. */
    static InvalidInputException tooLarge(long limit, long length) {
        return new InvalidInputException(
                "body_too_large",
                "the request body " + (length < 0 ? "exceeds" : "of " + length + " bytes exceeds") + " the limit of "
                        + limit + " bytes",
                length < 0 ? Map.of("limit", limit) : Map.of("limit", limit, "length", length));
    }

    static byte[] errorBody(String code, String message, Map<String, ?> detail) {
        return Json.error(code, message, detail);
    }

    static FullHttpResponse jsonResponse(int status, byte[] json) {
        DefaultHttpHeaders h = new DefaultHttpHeaders(false);
        h.set(HttpHeaderNames.CONTENT_TYPE, JSON);
        h.set(Exchange.CONTENT_TYPE_OPTIONS, Exchange.NOSNIFF);
        h.set(HttpHeaderNames.CONTENT_LENGTH, json.length);
        return new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(json),
                h,
                new ReadOnlyHttpHeaders(false));
    }

    static int status(MeridianException m) {
        return switch (m) {
            case InvalidInputException i ->
                "body_too_large".equals(i.code()) || "result_too_large".equals(i.code()) ? 413 : 400;
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

    private static void send(Exchange ex, byte[] json) {
        ex.header(HttpHeaderNames.CONTENT_TYPE, JSON);
        ex.send(json);
    }

    // --- handlers ---

    /**
     * Where bodies are copied to be scanned: one kept array per CPU permit (bodies are scanned on those
     * threads, about that many at a time), each a slot's share of the body budget.
     */
    private final BodyScratch scratch;

    private void root(Exchange ex) {
        ex.send(hello);
    }

    private void enrich(Exchange ex) throws IOException {
        EnrichOptions options = options(ex);
        RefSetRegistry.Entry refs = registry.get(ex.queryFirst("refs"));
        PlaceText placeText =
                fullPlaces(ex.queryFirst("places")) ? codec.fullPlaces(refs.set()) : codec.places(refs.set());
        if (!ex.small) {
            EnrichService.Workspace ws = service.admit(ex.deadlineNanos);
            ChannelOutput out = null;
            try {
                // A client that gave up while its request waited for a slot (wrk closing its connections at
                // the end of a run; a caller's timeout) is not worked for: with 64 such 10k-record bodies
                // parked behind the budget, their reading and enrichment kept both cores busy for a second
                // after the client had gone. Its FIN arrives right behind the body, so it is seen by now.
                if (!ex.conn.isOpen()) {
                    throw EnrichService.clientGone();
                }
                ws.fields.replaceCountry(options.regions() != null);
                readRecords(ex, ws); // the body's memory goes back before the answer is written
                if (!ex.conn.isOpen()) {
                    throw EnrichService.clientGone();
                }
                service.enrich(ws, refs.enricher(), options, ex.deadlineNanos);
                ex.header(HttpHeaderNames.CONTENT_TYPE, JSON);
                out = ex.output();
                codec.writeArray(out, ws.fields, ws.batch, ws.matches, placeText, options.k() > 1);
            } catch (IOException | RuntimeException e) {
                if (out != null) {
                    out.abort();
                }
                throw e;
            } finally {
                // back before the last write, so that a client holding its answer sees the slot free
                service.release(ws);
            }
            out.close();
            return;
        }
        // A small body, on a small-request thread: its own workspace, the answer in pooled pieces (PooledPieces).
        if (System.nanoTime() - ex.deadlineNanos > 0) {
            metrics.rejected(Metrics.Rejection.DEADLINE); // queued behind more small requests than it can wait for
            throw EnrichService.deadline();
        }
        EnrichService.Workspace ws = smallWorkspace.get();
        ws.batch.clear();
        ws.fields.clear();
        ws.fields.replaceCountry(options.regions() != null);
        readRecords(ex, ws);
        service.enrichHere(ws, refs.enricher(), options);
        PooledPieces answer = new PooledPieces(ex.conn.alloc());
        try {
            codec.writeArray(answer, ws.fields, ws.batch, ws.matches, placeText, options.k() > 1);
        } catch (IOException | RuntimeException e) {
            answer.release();
            throw e;
        } finally {
            ws.batch.clear();
            ws.fields.clear();
        }
        ex.header(HttpHeaderNames.CONTENT_TYPE, JSON);
        ex.send(answer.take());
    }

    /**
     * Reads the body's records into the workspace and gives the body back. Up to a slot's share of the body
     * budget (4 MiB, a 10k-record body is 3.1 MB) the body is copied to the heap, released, and scanned from
     * the copy (the codec's record scanner, twice as fast as Jackson's stream); a larger body streams through
     * Jackson from its buffer, so that no large body is copied.
     */
    private void readRecords(Exchange ex, EnrichService.Workspace ws) throws IOException {
        int length = ex.bodyBytes();
        if (length <= BodyBudget.SLOT_BYTES) {
            byte[] bytes = scratch.take(length);
            try {
                ex.copyBody(bytes);
                ex.release();
                codec.readArray(bytes, 0, length, ws.batch, ws.fields);
            } finally {
                scratch.give(bytes);
            }
        } else {
            codec.readArray(ex.body(), ws.batch, ws.fields);
            ex.release();
        }
    }

    /** The units of the country boundaries, in their order, with their codes ({@link Countries}). */
    private void countries(Exchange ex) {
        send(ex, regions.countries().json());
    }

    private EnrichOptions options(Exchange ex) {
        if (!ex.hasQuery()) {
            return EnrichOptions.NEAREST;
        }
        int k = 1;
        double maxKm = Double.POSITIVE_INFINITY;
        String v = ex.queryFirst("k");
        if (v != null) {
            try {
                k = Integer.parseInt(v.strip());
            } catch (NumberFormatException e) {
                throw new InvalidInputException(
                        "invalid_option",
                        "query option k must be an integer between 1 and " + EnrichOptions.MAX_K + ", got '" + v + "'",
                        Map.of("field", "k", "value", v));
            }
        }
        v = ex.queryFirst("max_km");
        if (v != null) {
            try {
                maxKm = Double.parseDouble(v.strip());
            } catch (NumberFormatException e) {
                throw new InvalidInputException(
                        "invalid_option",
                        "query option max_km must be a non-negative number of kilometres, got '" + v + "'",
                        Map.of("field", "max_km", "value", v));
            }
        }
        boolean country = false;
        v = ex.queryFirst("country");
        if (v != null) {
            country = switch (v.strip()) {
                case "true", "1", "" -> true;
                case "false", "0" -> false;
                default ->
                    throw new InvalidInputException(
                            "invalid_option",
                            "query option country must be true or false, got '" + v + "'",
                            Map.of("field", "country", "value", v));
            };
        }
        for (String name : ex.queryNames()) {
            if (!name.equals("k")
                    && !name.equals("max_km")
                    && !name.equals("refs")
                    && !name.equals("places")
                    && !name.equals("country")) {
                throw new InvalidInputException(
                        "invalid_option",
                        "unknown query option '" + name + "' (known: k, max_km, refs, places, country)",
                        Map.of("field", name));
            }
        }
        EnrichOptions options = new EnrichOptions(k, maxKm);
        return country ? options.withRegions(regions.lookup()) : options;
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

    private void asset(Exchange ex) {
        serve(ex, assets.get(ex.path).orElseThrow());
    }

    private void mapPoints(Exchange ex) {
        RefSetRegistry.Entry refs = registry.get(ex.queryFirst("refs"));
        serve(ex, assets.points(refs.set(), ex.queryFirst("limit")));
    }

    private static void serve(Exchange ex, StaticAssets.Asset a) {
        ex.header(HttpHeaderNames.ETAG, a.etag());
        ex.header(HttpHeaderNames.CACHE_CONTROL, a.cacheControl());
        if (a.matches(ex.header(HttpHeaderNames.IF_NONE_MATCH))) {
            ex.status(304);
            ex.send(Unpooled.EMPTY_BUFFER);
            return;
        }
        ex.header(HttpHeaderNames.CONTENT_TYPE, a.contentType());
        ex.send(a.body());
    }

    private void health(Exchange ex) {
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
        m.put("database", store == null ? "off" : store.state().name().toLowerCase(Locale.ROOT));
        ex.status(ready ? 200 : 503);
        send(ex, Json.bytes(m));
    }

    private void metrics(Exchange ex) {
        ex.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        ex.send(metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }

    private void listRefsets(Exchange ex) {
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
        send(ex, Json.bytes(body));
    }

    private void putRefset(Exchange ex) throws Exception {
        String name = ex.param;
        RefSetRegistry.checkName(name);
        String onError = ex.queryFirst("on_error");
        if (onError == null) {
            onError = "fail";
        }
        if (!onError.equals("fail") && !onError.equals("skip")) {
            throw new InvalidInputException(
                    "invalid_option",
                    "query option on_error must be 'fail' or 'skip', got '" + onError + "'",
                    Map.of("field", "on_error", "value", onError));
        }
        // The (bounded) body has arrived whole; parse and index on the CPU pool.
        byte[] csv = new byte[ex.bodyBytes()];
        ex.bodyBuf().getBytes(ex.bodyBuf().readerIndex(), csv);
        ex.release();
        long deadline = ex.deadlineNanos;
        boolean geoJson = String.valueOf(ex.header(HttpHeaderNames.CONTENT_TYPE))
                .toLowerCase(java.util.Locale.ROOT)
                .startsWith("application/geo+json");
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
        LoadResult r;
        try {
            r = service.call(
                    () -> geoJson
                            ? ReferenceSetReader.readGeoJson(
                                    new ByteArrayInputStream(csv), "request body", name, ErrorPolicy.SKIP)
                            : ReferenceSetReader.readCsv(
                                    new ByteArrayInputStream(csv), "request body", name, ErrorPolicy.SKIP),
                    deadline);
        } finally {
            service.pool().release();
        }
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
        ex.status(created ? 201 : 200);
        send(ex, Json.bytes(report));
    }

    /** Deleting the default set restores the one the service started with (the bundled set by default). */
    private void deleteRefset(Exchange ex) {
        String name = ex.param;
        boolean deleted = registry.delete(name);
        send(ex, Json.bytes(Map.of(deleted ? "deleted" : "restored", name)));
    }

    /** {@code POST /refsets/{default}/reset}: the default set the service started with, back in place. */
    private void resetRefset(Exchange ex) {
        String name = ex.param;
        if (!name.equals(registry.defaultName())) {
            throw new InvalidInputException(
                    "not_default_refset",
                    "only the default reference set '" + registry.defaultName() + "' can be reset; '" + name
                            + "' can be replaced with PUT or removed with DELETE",
                    Map.of("name", name));
        }
        registry.restoreDefault();
        send(
                ex,
                Json.bytes(Map.of(
                        "restored", name, "places", registry.get(null).set().size())));
    }

    private void fallback(Exchange ex) {
        String path = ex.path;
        String method = ex.method;
        boolean known = path.equals("/")
                || path.equals("/enrich")
                || path.equals("/health")
                || path.equals("/metrics")
                || path.equals("/refsets")
                || path.startsWith("/refsets/")
                || path.equals("/countries")
                || StaticAssets.serves(path)
                || (users != null && (path.equals("/users") || path.startsWith("/users/") || path.equals("/events")));
        if (known) {
            ex.status(405);
            send(
                    ex,
                    Json.error(
                            "method_not_allowed",
                            method + " is not supported on " + path,
                            Map.of("method", method, "path", path)));
        } else {
            ex.status(404);
            send(ex, Json.error("not_found", "no such endpoint: " + method + " " + path, Map.of("path", path)));
        }
    }
}
