package meridian.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import meridian.core.error.InvalidInputException;
import meridian.core.error.NotFoundException;
import meridian.core.refs.ReferenceSetReader;

/**
 * Everything tunable about the service. Values come from, in increasing precedence: the defaults here, a
 * properties file ({@code --config FILE}), environment variables ({@code MERIDIAN_PORT}, ...), and
 * command-line options. Each setting has one property key; its variable is {@code MERIDIAN_} plus the key
 * upper-cased with dots and dashes as underscores ({@code admission-wait-ms -> MERIDIAN_ADMISSION_WAIT_MS}).
 *
 * @param host address to bind; {@code 127.0.0.1} by default so that a laptop run does not expose the
 *     unauthenticated reference-set endpoints; containers set {@code MERIDIAN_HOST=0.0.0.0}
 * @param port HTTP port (0 = any free port)
 * @param tcpPort newline-delimited JSON port; in files, variables and options 0 means off (stored as -1 here,
 *     where 0 means any free port, for tests and embedding)
 * @param refs default reference set: a CSV/GeoJSON file, or the name of the bundled set
 * @param cpuPermits requests allowed in the CPU stage at once; also the number of CPU threads
 * @param maxInFlight requests admitted at once (each holds a reusable workspace: bounds memory)
 * @param admissionWaitMs how long a request waits for admission or a CPU permit before 503
 * @param maxBodyBytes largest request body (413 above)
 * @param requestDeadlineMs time a request may take from arrival to its enriched answer (504 after)
 * @param graceMs how long shutdown waits for in-flight work
 * @param tcpMaxLineBytes longest line accepted on the TCP endpoint
 * @param db where users and events live: {@code embedded} (an H2 file under {@code ./data}), a JDBC URL
 *     (e.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}), or {@code off}
 * @param headerTimeoutMs time from the first byte of an HTTP request to the end of its headers (408 after)
 * @param bodyTimeoutMs time from the end of the headers to the last byte of the body, whatever the pace of
 *     the reads (408 after; a body shorter than its {@code Content-Length} ends this way)
 * @param idleTimeoutMs how long a kept-alive HTTP connection may sit with no request before it is closed
 * @param maxConnections open HTTP connections at once; further ones are closed on accept
 * @param ioThreads HTTP event-loop threads (0 = one per core)
 * @param inlineMaxBytes {@code /enrich} bodies up to this size are enriched on the event loop that read them,
 *     without admission or the CPU pool (0 = never); larger ones are admitted and run on the CPU pool
 */
public record ServerConfig(
        String host,
        int port,
        int tcpPort,
        String refs,
        int cpuPermits,
        int maxInFlight,
        long admissionWaitMs,
        long maxBodyBytes,
        long requestDeadlineMs,
        long graceMs,
        int tcpMaxLineBytes,
        String db,
        long headerTimeoutMs,
        long bodyTimeoutMs,
        long idleTimeoutMs,
        int maxConnections,
        int ioThreads,
        int inlineMaxBytes) {

    /** Property keys with their defaults, in documentation order. */
    public static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("host", "127.0.0.1");
        d.put("port", "8080");
        d.put("tcp-port", "9090");
        d.put("refs", ReferenceSetReader.BUNDLED_NAME);
        d.put("cpu-permits", String.valueOf(Runtime.getRuntime().availableProcessors()));
        d.put("max-in-flight", "16");
        d.put("admission-wait-ms", "10000");
        d.put("max-body-bytes", String.valueOf(64L << 20));
        d.put("request-deadline-ms", "30000");
        d.put("grace-ms", "10000");
        d.put("tcp-max-line-bytes", String.valueOf(1 << 20));
        d.put("db", "embedded");
        d.put("header-timeout-ms", "10000");
        d.put("body-timeout-ms", "30000");
        d.put("idle-timeout-ms", "60000");
        d.put("max-connections", "4096");
        d.put("io-threads", "0");
        d.put("inline-max-bytes", String.valueOf(64 << 10));
        return java.util.Collections.unmodifiableMap(d);
    }

    public ServerConfig {
        if (port < 0 || port > 65535) {
            throw bad("port", port, "must be 0..65535");
        }
        if (tcpPort < -1 || tcpPort > 65535) {
            throw bad("tcp-port", tcpPort, "must be 0..65535 (0 = off)");
        }
        positive("cpu-permits", cpuPermits);
        positive("max-in-flight", maxInFlight);
        positive("max-body-bytes", maxBodyBytes);
        positive("request-deadline-ms", requestDeadlineMs);
        positive("tcp-max-line-bytes", tcpMaxLineBytes);
        if (admissionWaitMs < 0) {
            throw bad("admission-wait-ms", admissionWaitMs, "must not be negative");
        }
        if (graceMs < 0) {
            throw bad("grace-ms", graceMs, "must not be negative");
        }
        positive("header-timeout-ms", headerTimeoutMs);
        positive("body-timeout-ms", bodyTimeoutMs);
        positive("idle-timeout-ms", idleTimeoutMs);
        positive("max-connections", maxConnections);
        if (ioThreads < 0) {
            throw bad("io-threads", ioThreads, "must not be negative (0 = one per core)");
        }
        if (inlineMaxBytes < 0) {
            throw bad("inline-max-bytes", inlineMaxBytes, "must not be negative (0 = never)");
        }
    }

    /**
     * The settings before the transport limits, with those at their defaults (tests and embedding), and
     * every enrichment through admission and the CPU pool (no small bodies on the event loop).
     */
    public ServerConfig(
            String host,
            int port,
            int tcpPort,
            String refs,
            int cpuPermits,
            int maxInFlight,
            long admissionWaitMs,
            long maxBodyBytes,
            long requestDeadlineMs,
            long graceMs,
            int tcpMaxLineBytes,
            String db) {
        this(
                host,
                port,
                tcpPort,
                refs,
                cpuPermits,
                maxInFlight,
                admissionWaitMs,
                maxBodyBytes,
                requestDeadlineMs,
                graceMs,
                tcpMaxLineBytes,
                db,
                10_000,
                30_000,
                60_000,
                4096,
                0,
                0);
    }

    /** A copy with other transport limits. */
    public ServerConfig withTransport(
            long headerTimeout, long bodyTimeout, long idleTimeout, int connections, int threads, int inlineMax) {
        return new ServerConfig(
                host,
                port,
                tcpPort,
                refs,
                cpuPermits,
                maxInFlight,
                admissionWaitMs,
                maxBodyBytes,
                requestDeadlineMs,
                graceMs,
                tcpMaxLineBytes,
                db,
                headerTimeout,
                bodyTimeout,
                idleTimeout,
                connections,
                threads,
                inlineMax);
    }

    /** Event-loop threads to start: the setting, or one per core. */
    public int effectiveIoThreads() {
        return ioThreads > 0 ? ioThreads : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** The defaults alone. */
    public static ServerConfig defaultConfig() {
        return fromMap(DEFAULTS);
    }

    /**
     * Resolves the configuration: defaults, then {@code configFile} (may be null), then the environment,
     * then {@code overrides} (command-line values, keyed like the properties; null values ignored).
     */
    public static ServerConfig load(Path configFile, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        if (configFile != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (NoSuchFileException e) {
                throw new NotFoundException(
                        "file_not_found", "no such config file: " + configFile, Map.of("file", configFile.toString()));
            } catch (IOException e) {
                throw new InvalidInputException(
                        "unreadable_file",
                        "cannot read config file " + configFile + ": " + e.getMessage(),
                        Map.of("file", configFile.toString()));
            }
            for (String key : p.stringPropertyNames()) {
                String k = key.strip().replace('.', '-').replace('_', '-').toLowerCase(Locale.ROOT);
                if (!DEFAULTS.containsKey(k)) {
                    throw new InvalidInputException(
                            "unknown_setting",
                            configFile + ": unknown setting '" + key + "' (known: "
                                    + String.join(", ", DEFAULTS.keySet()) + ")",
                            Map.of("file", configFile.toString(), "field", key));
                }
                values.put(k, p.getProperty(key).strip());
            }
        }
        for (String key : DEFAULTS.keySet()) {
            String v = env.get(envName(key));
            if (v != null && !v.isBlank()) {
                values.put(key, v.strip());
            }
        }
        overrides.forEach((k, v) -> {
            if (v != null) {
                if (!DEFAULTS.containsKey(k)) {
                    throw new IllegalArgumentException("unknown setting " + k);
                }
                values.put(k, v);
            }
        });
        return fromMap(values);
    }

    /** {@code admission-wait-ms -> MERIDIAN_ADMISSION_WAIT_MS}. */
    public static String envName(String key) {
        return "MERIDIAN_" + key.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    private static ServerConfig fromMap(Map<String, String> v) {
        return new ServerConfig(
                v.get("host"),
                (int) number(v, "port"),
                (int) number(v, "tcp-port") == 0 ? -1 : (int) number(v, "tcp-port"),
                v.get("refs"),
                (int) number(v, "cpu-permits"),
                (int) number(v, "max-in-flight"),
                number(v, "admission-wait-ms"),
                number(v, "max-body-bytes"),
                number(v, "request-deadline-ms"),
                number(v, "grace-ms"),
                (int) number(v, "tcp-max-line-bytes"),
                v.get("db"),
                number(v, "header-timeout-ms"),
                number(v, "body-timeout-ms"),
                number(v, "idle-timeout-ms"),
                (int) number(v, "max-connections"),
                (int) number(v, "io-threads"),
                (int) number(v, "inline-max-bytes"));
    }

    private static long number(Map<String, String> v, String key) {
        String s = v.get(key);
        try {
            return Long.parseLong(s.strip().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new InvalidInputException(
                    "invalid_setting",
                    "setting '" + key + "' (" + envName(key) + ") must be an integer, got '" + s + "'",
                    Map.of("field", key, "value", s));
        }
    }

    private static void positive(String key, long value) {
        if (value <= 0) {
            throw bad(key, value, "must be positive");
        }
    }

    private static InvalidInputException bad(String key, Object value, String why) {
        return new InvalidInputException(
                "invalid_setting",
                "setting '" + key + "' (" + envName(key) + ") " + why + ", got " + value,
                Map.of("field", key, "value", String.valueOf(value)));
    }

    /** A copy with other ports (tests use 0 for ephemeral ports). */
    public ServerConfig withPorts(int http, int tcp) {
        return new ServerConfig(
                host,
                http,
                tcp,
                refs,
                cpuPermits,
                maxInFlight,
                admissionWaitMs,
                maxBodyBytes,
                requestDeadlineMs,
                graceMs,
                tcpMaxLineBytes,
                db,
                headerTimeoutMs,
                bodyTimeoutMs,
                idleTimeoutMs,
                maxConnections,
                ioThreads,
                inlineMaxBytes);
    }

    /** A copy with another database setting. */
    public ServerConfig withDb(String newDb) {
        return new ServerConfig(
                host,
                port,
                tcpPort,
                refs,
                cpuPermits,
                maxInFlight,
                admissionWaitMs,
                maxBodyBytes,
                requestDeadlineMs,
                graceMs,
                tcpMaxLineBytes,
                newDb,
                headerTimeoutMs,
                bodyTimeoutMs,
                idleTimeoutMs,
                maxConnections,
                ioThreads,
                inlineMaxBytes);
    }

    /** The settings as key = value lines, for the startup banner and docs. */
    public List<String> describe() {
        return List.of(
                "host=" + host,
                "port=" + port,
                "tcp-port=" + tcpPort,
                "refs=" + refs,
                "cpu-permits=" + cpuPermits,
                "max-in-flight=" + maxInFlight,
                "admission-wait-ms=" + admissionWaitMs,
                "max-body-bytes=" + maxBodyBytes,
                "request-deadline-ms=" + requestDeadlineMs,
                "grace-ms=" + graceMs,
                "tcp-max-line-bytes=" + tcpMaxLineBytes,
                "db=" + db,
                "header-timeout-ms=" + headerTimeoutMs,
                "body-timeout-ms=" + bodyTimeoutMs,
                "idle-timeout-ms=" + idleTimeoutMs,
                "max-connections=" + maxConnections,
                "io-threads=" + ioThreads,
                "inline-max-bytes=" + inlineMaxBytes);
    }
}
