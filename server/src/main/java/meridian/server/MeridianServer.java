package meridian.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import meridian.core.error.InvalidInputException;
import meridian.core.exec.Background;
import meridian.core.refs.ErrorPolicy;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;
import meridian.server.exec.CpuPool;
import meridian.server.exec.EnrichService;
import meridian.server.http.HttpApi;
import meridian.server.http.HttpServer;
import meridian.server.json.RecordCodec;
import meridian.server.metrics.Metrics;
import meridian.server.refs.CountryRegions;
import meridian.server.refs.RefSetRegistry;
import meridian.server.security.HttpGate;
import meridian.server.security.RequestGate;
import meridian.server.security.Tokens;
import meridian.server.tcp.TcpServer;
import meridian.store.Store;
import meridian.store.StoreConfig;

/**
 * The running service: builds the object graph in one place (registry, CPU pool, admission, metrics, the
 * HTTP and TCP listeners) from a {@link ServerConfig}, starts it, and stops it gracefully.
 *
 * <p>Lifecycle: {@link #start} binds both ports and returns; {@link #stop} marks the service not ready,
 * stops accepting (TCP listener closed, HTTP listener stopped after in-flight requests drain or the grace
 * period passes), lets admitted work finish, then stops the CPU threads. Safe to call {@code stop} twice.
 */
public final class MeridianServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MeridianServer.class.getName());

    static {
        HttpServer.nettyDefaults(); // before any Netty class is initialised
    }

    private final ServerConfig config;
    private final RefSetRegistry registry;
    private final Metrics metrics = new Metrics();
    private final CpuPool pool;
    private final EnrichService service;
    private final HttpServer http;
    private final TcpServer tcp;
    private final StoreAccess store; // null when users and events are off
    private volatile boolean draining;
    private boolean stopped;

    private MeridianServer(ServerConfig config, String defaultName, Callable<ReferenceSet> loader, RequestGate gate)
            throws IOException {
        this.config = config;
        Tokens tokens = config.tokens().isEmpty() ? null : Tokens.load(Path.of(config.tokens()));
        checkExposure(config, tokens);
        this.registry = new RefSetRegistry(defaultName, config.maxRefsets(), config.maxRefsetPlaces());
        // The country boundaries load in the background when first asked for (at once when every TCP record
        // gets its country); nothing waits for them but a country question.
        CountryRegions regions =
                config.tcpCountry() ? CountryRegions.load(config.regions()) : CountryRegions.lazy(config.regions());
        // Load the default set while the listeners start: both take a few hundred ms of one core each.
        Background<ReferenceSet> loading = Background.start("meridian-refs-load", loader);
        this.pool = new CpuPool(config.cpuPermits(), config.cpuPermits());
        RecordCodec codec = new RecordCodec();
        this.service = new EnrichService(
                pool,
                metrics,
                codec,
                config.maxInFlight(),
                config.admissionWaitMs(),
                config.maxMatchSlots(),
                config.matchBudget());
        metrics.bindGauges(pool::permitsInUse, pool::runningTasks, pool::waiting, service::admitted, registry::size);
        this.store = openStore(config.db());
        if (gate == null) {
            gate = new HttpGate(tokens, allowedHosts(config), config.allowedOriginList());
        }
        HttpApi api =
                new HttpApi(config, registry, regions, service, codec, metrics, () -> draining, version(), store, gate);
        try {
            this.http = new HttpServer(config, api);
        } catch (IOException | RuntimeException e) {
            pool.close();
            if (store != null) {
                store.close();
            }
            throw e;
        }
        metrics.bindBuffers(http::bufferBytes, http::bodyBytes);
        TcpServer t = null;
        try {
            if (config.tcpPort() >= 0) {
                t = new TcpServer(
                        config.host(),
                        config.tcpPort(),
                        registry,
                        config.tcpCountry() ? regions : null,
                        service,
                        codec,
                        metrics,
                        new TcpServer.Limits(
                                config.tcpMaxLineBytes(),
                                config.tcpIdleTimeoutMs(),
                                config.tcpMaxConnections(),
                                config.tcpBufferBudgetBytes()),
                        tokens,
                        config.requestDeadlineMs());
            }
            registry.put(loading.get());
            if (store != null) {
                store.start(); // now that the service answers: see StoreAccess
            }
        } catch (IOException | RuntimeException | Error e) {
            abort(t);
            throw e;
        }
        this.tcp = t;
    }

    private void abort(TcpServer t) {
        if (t != null) {
            t.close();
        }
        http.stop(0);
        pool.close();
        if (store != null) {
            store.close();
        }
    }

    /**
     * Without tokens anyone who reaches the port may replace reference sets and read users: such a service
     * listens on a loopback address only, unless {@code insecure} says the network around it is trusted.
     */
    static void checkExposure(ServerConfig config, Tokens tokens) {
        if (tokens != null || config.insecure()) {
            return;
        }
        boolean loopback;
        try {
            loopback = java.net.InetAddress.getByName(config.host()).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            throw new InvalidInputException(
                    "insecure_bind",
                    "refusing to listen on " + config.host() + " without tokens: anyone who reaches the port could"
                            + " replace reference sets and read or delete users. Give --tokens FILE (lines 'ROLE"
                            + " TOKEN'), or --insecure if the network is trusted, or a loopback --host",
                    Map.of("field", "host", "value", config.host()));
        }
    }

    /** The configured names plus the bind address when it is a name (an IP literal passes anyway). */
    private static java.util.List<String> allowedHosts(ServerConfig config) {
        var hosts = new java.util.ArrayList<>(config.allowedHostList());
        hosts.add(config.host());
        return hosts;
    }

    /** Loads the default reference set named by the configuration and starts listening. */
    public static MeridianServer start(ServerConfig config) throws IOException {
        return start(config, (RequestGate) null);
    }

    /** As {@link #start(ServerConfig)}, every HTTP request head checked by {@code gate} first (null: the gate the settings describe: tokens, hosts, origins). */
    public static MeridianServer start(ServerConfig config, RequestGate gate) throws IOException {
        String refs = config.refs();
        String name = refs.equals(ReferenceSetReader.BUNDLED_NAME)
                ? ReferenceSetReader.BUNDLED_NAME
                : ReferenceSetReader.nameOf(Path.of(refs));
        return new MeridianServer(config, name, () -> loadRefs(refs), gate);
    }

    /** Starts with the given default reference set (tests and embedding). */
    public static MeridianServer start(ServerConfig config, ReferenceSet defaultSet) throws IOException {
        return start(config, defaultSet, null);
    }

    /** Starts with the given default reference set and request gate (tests and embedding). */
    public static MeridianServer start(ServerConfig config, ReferenceSet defaultSet, RequestGate gate)
            throws IOException {
        return new MeridianServer(config, defaultSet.name(), () -> defaultSet, gate);
    }

    /** {@code off}: no users and events; {@code embedded}: the H2 file under ./data; else a JDBC URL. */
    static StoreAccess openStore(String db) {
        return switch (db) {
            case "off", "none" -> null;
            case "embedded" -> new StoreAccess(() -> Store.open(StoreConfig.embedded()), "under ./data");
            default -> {
                StoreConfig c = StoreConfig.of(db);
                yield new StoreAccess(() -> Store.open(c), c.redactedUrl());
            }
        };
    }

    /** The users and events store (opened in the background), or null when it is off. */
    public StoreAccess store() {
        return store;
    }

    /** {@code cities} (the bundled set) or a CSV/GeoJSON file; a bad row stops the start with its line. */
    public static ReferenceSet loadRefs(String refs) {
        if (refs.equals(ReferenceSetReader.BUNDLED_NAME)) {
            return ReferenceSetReader.bundled();
        }
        Path p = Path.of(refs);
        if (!Files.isRegularFile(p)) {
            throw new InvalidInputException(
                    "unknown_refs",
                    "--refs: '" + refs + "' is neither a file nor a bundled set (bundled: "
                            + ReferenceSetReader.BUNDLED_NAME + ")",
                    Map.of("field", "refs", "value", refs));
        }
        return ReferenceSetReader.load(p, ErrorPolicy.FAIL_FAST).set();
    }

    public static String version() {
        String v = MeridianServer.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0" : v;
    }

    public int httpPort() {
        return http.port();
    }

    /** The TCP port, or -1 when the TCP endpoint is off. */
    public int tcpPort() {
        return tcp == null ? -1 : tcp.port();
    }

    public ServerConfig config() {
        return config;
    }

    public Metrics metrics() {
        return metrics;
    }

    public EnrichService service() {
        return service;
    }

    public RefSetRegistry registry() {
        return registry;
    }

    public boolean isDraining() {
        return draining;
    }

    public void printBanner(PrintStream out) {
        var set = registry.get(null).set();
        out.println(
                "meridian " + version() + " serving reference set '" + set.name() + "' (" + set.size() + " places)");
        out.println("  HTTP  http://" + config.host() + ":" + httpPort() + "/  (POST /enrich, GET /health, /metrics)");
        if (tcp != null) {
            out.println("  TCP   " + config.host() + ":" + tcpPort() + "  (newline-delimited JSON records)");
        }
        if (store != null) {
            out.println("  users and events: " + meridian.store.StoreConfig.redact(config.db())
                    + " (opening in the background)");
        }
        out.println("  " + String.join(" ", config.describe()));
        out.flush();
    }

    /** Graceful stop: not ready, stop accepting, drain in-flight work within the grace period, release. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        draining = true;
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.graceMs());
        if (tcp != null) {
            tcp.shutdown(config.graceMs());
        }
        // No new connections; requests already being handled finish before their connections close. Then the
        // connections close, and what started on one meanwhile finishes before the event loops stop (its answer
        // is written to a closed channel on a live loop, and dropped).
        http.stopAccepting();
        drain(end);
        http.closeConnections(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()) / 2));
        drain(end);
        if (metrics.httpActive() > 0) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    metrics.httpActive() + " request(s) still running after the grace period");
        }
        try {
            // what is left of the grace period, at least a moment to flush the answers just written
            http.stop(Math.max(50, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "HTTP listener stop failed: " + e);
        }
        pool.shutdown(Math.max(0, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
        if (store != null) {
            store.close(); // after the listeners: every acknowledged event is already committed
        }
    }

    /** Waits until no HTTP request is dispatched or running, or until {@code end} ({@link System#nanoTime}). */
    private void drain(long end) {
        while (metrics.httpActive() > 0 && System.nanoTime() - end < 0) {
            try {
                Thread.sleep(5); // a drain loop with a deadline, not a wait for an event we could subscribe to
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
