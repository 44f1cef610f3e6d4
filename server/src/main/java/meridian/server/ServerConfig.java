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
 * @param tokens file of {@code ROLE TOKEN} lines ({@code read}, {@code write}, {@code admin}); empty for none,
 *     which confines the service to a loopback address unless {@code insecure}
 * @param insecure allow a non-loopback {@code host} without tokens
 * @param allowedHosts {@code Host} names answered besides IP literals (comma-separated; 421 otherwise)
 * @param allowedOrigins browser {@code Origin}s allowed to call (comma-separated; 403 otherwise; none by default)
 * @param tcpIdleTimeoutMs a TCP connection that sends nothing for this long is closed (also bounds a stalled line)
 * @param tcpMaxConnections open TCP connections at once; more are answered with an error line and closed
 * @param tcpBufferBudgetBytes bytes of unfinished lines all TCP connections may buffer together
 * @param maxRefsets reference sets loaded at once, the default included
 * @param maxRefsetPlaces places in all loaded reference sets together
 * @param maxMatchSlots (record, nearest place) results one request may ask for ({@code k × records}; 413 above)
 * @param matchBudget results all requests in flight may hold together (503 above)
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
        String tokens,
        boolean insecure,
        String allowedHosts,
        String allowedOrigins,
        long tcpIdleTimeoutMs,
        int tcpMaxConnections,
        long tcpBufferBudgetBytes,
        int maxRefsets,
        long maxRefsetPlaces,
        long maxMatchSlots,
        long matchBudget) {

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
        d.put("tokens", "");
        d.put("insecure", "false");
        d.put("allowed-hosts", "localhost");
        d.put("allowed-origins", "");
        d.put("tcp-idle-timeout-ms", "60000");
        d.put("tcp-max-connections", "1024");
        d.put("tcp-buffer-budget-bytes", String.valueOf(64L << 20));
        d.put("max-refsets", "16");
        d.put("max-refset-places", "5000000");
        d.put("max-match-slots", "8000000");
        d.put("match-budget", "32000000");
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
        positive("tcp-idle-timeout-ms", tcpIdleTimeoutMs);
        positive("tcp-max-connections", tcpMaxConnections);
        positive("tcp-buffer-budget-bytes", tcpBufferBudgetBytes);
        positive("max-refsets", maxRefsets);
        positive("max-refset-places", maxRefsetPlaces);
        positive("max-match-slots", maxMatchSlots);
        positive("match-budget", matchBudget);
        tokens = tokens == null ? "" : tokens.strip();
        allowedHosts = allowedHosts == null ? "" : allowedHosts.strip();
        allowedOrigins = allowedOrigins == null ? "" : allowedOrigins.strip();
        if (admissionWaitMs < 0) {
            throw bad("admission-wait-ms", admissionWaitMs, "must not be negative");
        }
        if (graceMs < 0) {
            throw bad("grace-ms", graceMs, "must not be negative");
        }
    }

    /** The original settings, with the defaults for the security and budget settings (tests and embedding). */
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
                "",
                false,
                DEFAULTS.get("allowed-hosts"),
                "",
                Long.parseLong(DEFAULTS.get("tcp-idle-timeout-ms")),
                Integer.parseInt(DEFAULTS.get("tcp-max-connections")),
                Long.parseLong(DEFAULTS.get("tcp-buffer-budget-bytes")),
                Integer.parseInt(DEFAULTS.get("max-refsets")),
                Long.parseLong(DEFAULTS.get("max-refset-places")),
                Long.parseLong(DEFAULTS.get("max-match-slots")),
                Long.parseLong(DEFAULTS.get("match-budget")));
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
                v.get("tokens"),
                bool(v, "insecure"),
                v.get("allowed-hosts"),
                v.get("allowed-origins"),
                number(v, "tcp-idle-timeout-ms"),
                (int) number(v, "tcp-max-connections"),
                number(v, "tcp-buffer-budget-bytes"),
                (int) number(v, "max-refsets"),
                number(v, "max-refset-places"),
                number(v, "max-match-slots"),
                number(v, "match-budget"));
    }

    private static boolean bool(Map<String, String> v, String key) {
        String s = v.get(key).strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0", "" -> false;
            default ->
                throw new InvalidInputException(
                        "invalid_setting",
                        "setting '" + key + "' (" + envName(key) + ") must be true or false, got '" + s + "'",
                        Map.of("field", key, "value", s));
        };
    }

    /** {@link #allowedHosts} as a list. */
    public List<String> allowedHostList() {
        return split(allowedHosts);
    }

    /** {@link #allowedOrigins} as a list. */
    public List<String> allowedOriginList() {
        return split(allowedOrigins);
    }

    private static List<String> split(String list) {
        return java.util.Arrays.stream(list.split(","))
                .map(String::strip)
                .filter(x -> !x.isEmpty())
                .toList();
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
        return with(Map.of("port", String.valueOf(http), "tcp-port", String.valueOf(tcp)));
    }

    /** A copy with another database setting. */
    public ServerConfig withDb(String newDb) {
        return with(Map.of("db", newDb));
    }

    /**
     * A copy with some settings replaced, keyed like the properties (tests and embedding). Ports keep this
     * record's meaning: 0 is any free port, -1 is off.
     */
    public ServerConfig with(Map<String, String> changes) {
        Map<String, String> v = new LinkedHashMap<>();
        for (String line : describe()) {
            int eq = line.indexOf('=');
            v.put(line.substring(0, eq), line.substring(eq + 1));
        }
        v.put("tokens", tokens);
        v.put("db", db);
        v.putAll(changes);
        int tcp = (int) number(v, "tcp-port");
        ServerConfig c = fromMap(v);
        return new ServerConfig(
                c.host,
                c.port,
                tcp,
                c.refs,
                c.cpuPermits,
                c.maxInFlight,
                c.admissionWaitMs,
                c.maxBodyBytes,
                c.requestDeadlineMs,
                c.graceMs,
                c.tcpMaxLineBytes,
                c.db,
                c.tokens,
                c.insecure,
                c.allowedHosts,
                c.allowedOrigins,
                c.tcpIdleTimeoutMs,
                c.tcpMaxConnections,
                c.tcpBufferBudgetBytes,
                c.maxRefsets,
                c.maxRefsetPlaces,
                c.maxMatchSlots,
                c.matchBudget);
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
                "db=" + meridian.store.StoreConfig.redact(db),
                "tokens=" + (tokens.isEmpty() ? "" : tokens),
                "insecure=" + insecure,
                "allowed-hosts=" + allowedHosts,
                "allowed-origins=" + allowedOrigins,
                "tcp-idle-timeout-ms=" + tcpIdleTimeoutMs,
                "tcp-max-connections=" + tcpMaxConnections,
                "tcp-buffer-budget-bytes=" + tcpBufferBudgetBytes,
                "max-refsets=" + maxRefsets,
                "max-refset-places=" + maxRefsetPlaces,
                "max-match-slots=" + maxMatchSlots,
                "match-budget=" + matchBudget);
    }
}
