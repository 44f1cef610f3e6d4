package meridian.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import meridian.core.error.MeridianException;
import meridian.server.ServerConfig;
import meridian.server.ServerMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meridian serve}: the service. Options override environment variables ({@code MERIDIAN_*}), which
 * override the config file, which overrides the defaults (see {@link ServerConfig}).
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Run the HTTP/JSON service and the newline-delimited JSON TCP endpoint.",
            "Settings: option > environment variable (MERIDIAN_PORT, MERIDIAN_TCP_PORT, MERIDIAN_HOST,"
                    + " MERIDIAN_REFS, MERIDIAN_CPU_PERMITS, MERIDIAN_MAX_IN_FLIGHT, MERIDIAN_ADMISSION_WAIT_MS,"
                    + " MERIDIAN_MAX_BODY_BYTES, MERIDIAN_REQUEST_DEADLINE_MS, MERIDIAN_GRACE_MS,"
                    + " MERIDIAN_TCP_MAX_LINE_BYTES, MERIDIAN_DB, MERIDIAN_TOKENS, MERIDIAN_INSECURE, ...) > --config file (same keys in lower case with dashes,"
                    + " e.g. admission-wait-ms=500) > defaults."
        })
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", description = "HTTP port (default 8080; 0 = any free port).")
    Integer port;

    @Option(names = "--tcp-port", description = "TCP stream port (default 9090; 0 = off).")
    Integer tcpPort;

    @Option(names = "--host", description = "Address to bind (default 127.0.0.1; 0.0.0.0 for all interfaces).")
    String host;

    @Option(
            names = "--refs",
            paramLabel = "FILE|NAME",
            description = "Default reference set: a CSV/GeoJSON file or a bundled set name (default cities).")
    String refs;

    @Option(names = "--cpu-permits", description = "Requests in the CPU stage at once (default: cores).")
    Integer cpuPermits;

    @Option(
            names = "--max-in-flight",
            description =
                    "Requests admitted at once; each holds a reusable batch buffer, so this bounds memory (default 16).")
    Integer maxInFlight;

    @Option(names = "--admission-wait-ms", description = "Wait for admission before 503 (default 10000).")
    Long admissionWaitMs;

    @Option(names = "--max-body-bytes", description = "Largest request body, 413 above (default 64 MiB).")
    Long maxBodyBytes;

    @Option(names = "--request-deadline-ms", description = "Request deadline, 504 after (default 30000).")
    Long requestDeadlineMs;

    @Option(names = "--grace-ms", description = "Shutdown grace period for in-flight work (default 10000).")
    Long graceMs;

    @Option(
            names = "--db",
            paramLabel = "embedded|URL|off",
            description = "Users and events: embedded (H2 file under ./data, the default), a JDBC URL such as"
                    + " jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres, or off.")
    String db;

    @Option(
            names = "--tokens",
            paramLabel = "FILE",
            description = "Bearer tokens, one 'ROLE TOKEN' per line (read, write, admin; # comments)."
                    + " Without it the service listens on loopback only.")
    Path tokens;

    @Option(names = "--insecure", description = "Allow a non-loopback --host without --tokens.")
    Boolean insecure;

    @Option(
            names = "--allowed-hosts",
            paramLabel = "NAMES",
            description = "Host header names answered besides IP literals (default localhost; 421 otherwise).")
    String allowedHosts;

    @Option(
            names = "--allowed-origins",
            paramLabel = "ORIGINS",
            description = "Browser origins allowed to call the service, comma-separated (default none; 403).")
    String allowedOrigins;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with settings.")
    Path config;

    @Override
    public Integer call() throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        put(o, "port", port);
        put(o, "tcp-port", tcpPort);
        put(o, "host", host);
        put(o, "refs", refs);
        put(o, "cpu-permits", cpuPermits);
        put(o, "max-in-flight", maxInFlight);
        put(o, "admission-wait-ms", admissionWaitMs);
        put(o, "max-body-bytes", maxBodyBytes);
        put(o, "request-deadline-ms", requestDeadlineMs);
        put(o, "grace-ms", graceMs);
        put(o, "db", db);
        put(o, "tokens", tokens);
        put(o, "insecure", insecure);
        put(o, "allowed-hosts", allowedHosts);
        put(o, "allowed-origins", allowedOrigins);
        try {
            return ServerMain.run(ServerConfig.load(config, System.getenv(), o));
        } catch (MeridianException e) {
            System.err.println("meridian serve: " + e.getMessage());
            return 2;
        }
    }

    private static void put(Map<String, String> o, String key, Object value) {
        o.put(key, value == null ? null : value.toString());
    }
}
