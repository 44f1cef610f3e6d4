package meridian.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import meridian.core.error.InvalidInputException;
import meridian.core.error.NotFoundException;
import meridian.core.refs.ReferenceSetReader;
import meridian.store.StoreConfig;

/**
 * Everything tunable about the service. Each setting is declared once below (one line: key, default,
 * bounds, help); the {@code serve} options, the {@code MERIDIAN_*} environment variables, the config-file
 * keys, the start-up banner and the README's settings table are derived from the declarations. Values come
 * from, in increasing precedence: the defaults, a properties file ({@code --config FILE}), the environment,
 * and command-line options.
 *
 * <p>Immutable; read a value with {@link #get} (the accessors below are shorthands for the older settings).
 */
public final class ServerConfig {
    private static final List<Setting<?>> ALL = new ArrayList<>();
    private static final long MAX = Long.MAX_VALUE;
    private static final String CORES = String.valueOf(Runtime.getRuntime().availableProcessors());

    // One line per setting. Order: the order of --help, the banner and the README table.
    public static final Setting<String> HOST = add(
            Setting.text(
                    "host",
                    "127.0.0.1",
                    "ADDRESS",
                    "Address to bind; 0.0.0.0 for all interfaces (containers). The default keeps the unauthenticated reference-set endpoints off the network"));
    public static final Setting<Integer> PORT =
            add(Setting.integer("port", 8080, 0, 65535, "HTTP port (0 = any free port)"));
    public static final Setting<Integer> TCP_PORT = add(Setting.integer(
            "tcp-port", 9090, -1, 65535, "Newline-delimited JSON TCP port (0 = off, -1 = any free port)"));
    public static final Setting<String> REFS = add(Setting.text(
            "refs",
            ReferenceSetReader.BUNDLED_NAME,
            "FILE|NAME",
            "Default reference set: a CSV/GeoJSON file or the name of the bundled set"));
    public static final Setting<String> REGIONS = add(
            Setting.text(
                    "regions",
                    "bundled",
                    "FILE|bundled",
                    "Country boundaries for ?country=true and GET /countries: a GeoJSON/TopoJSON file or the bundled Natural Earth countries"));
    public static final Setting<Boolean> TCP_COUNTRY = add(Setting.flag(
            "tcp-country",
            false,
            "Every record of the TCP stream also gets its \"country\" (as /enrich?country=true)"));
    public static final Setting<Integer> CPU_PERMITS = add(Setting.integer(
            "cpu-permits",
            CORES,
            "the number of cores",
            1,
            4096,
            "Requests in the CPU stage at once; also the number of CPU threads"));
    public static final Setting<Integer> MAX_IN_FLIGHT = add(Setting.integer(
            "max-in-flight",
            8,
            1,
            65536,
            "Requests admitted at once; each holds a reusable batch buffer, so this bounds memory"));
    public static final Setting<Long> ADMISSION_WAIT_MS = add(Setting.longValue(
            "admission-wait-ms", 10_000, 0, MAX, "How long a request waits for admission before 503 + Retry-After"));
    public static final Setting<Long> MAX_BODY_BYTES =
            add(Setting.longValue("max-body-bytes", 64L << 20, 1, MAX, "Largest request body (413 above)"));
    public static final Setting<Long> REQUEST_DEADLINE_MS = add(Setting.longValue(
            "request-deadline-ms",
            30_000,
            1,
            MAX,
            "Time from arrival to the answer, the wait for a CPU permit included (504 after)"));
    public static final Setting<Long> GRACE_MS =
            add(Setting.longValue("grace-ms", 10_000, 0, MAX, "How long shutdown waits for in-flight work"));
    public static final Setting<Integer> TCP_MAX_LINE_BYTES = add(Setting.integer(
            "tcp-max-line-bytes",
            1 << 20,
            1,
            Integer.MAX_VALUE - 8,
            "Longest line on the TCP endpoint; a longer one is answered with an error, then the connection closes"));
    public static final Setting<String> DB = add(
            Setting.text(
                    "db",
                    "embedded",
                    "embedded|URL|off",
                    "Users and events: embedded (an H2 file under ./data), a JDBC URL (jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres), or off"));

    public static final Setting<Long> HEADER_TIMEOUT_MS = add(Setting.longValue(
            "header-timeout-ms",
            10_000,
            1,
            MAX,
            "Time from the first byte of an HTTP request to the end of its headers (408 after)"));
    public static final Setting<Long> BODY_TIMEOUT_MS = add(
            Setting.longValue(
                    "body-timeout-ms",
                    30_000,
                    1,
                    MAX,
                    "Time from the end of the headers to the last byte of the body, whatever the pace of the reads (408 after)"));
    public static final Setting<Long> IDLE_TIMEOUT_MS = add(Setting.longValue(
            "idle-timeout-ms", 60_000, 1, MAX, "How long a kept-alive HTTP connection may sit with no request"));
    public static final Setting<Integer> MAX_CONNECTIONS = add(Setting.integer(
            "max-connections", 4096, 1, 1 << 20, "Open HTTP connections at once; further ones are closed on accept"));
    public static final Setting<Integer> IO_THREADS =
            add(Setting.integer("io-threads", 0, 0, 4096, "HTTP event-loop threads (0 = one per two cores)"));
    public static final Setting<Integer> SMALL_BODY_BYTES = add(Setting.integer(
            "small-body-bytes",
            64 << 10,
            0,
            Integer.MAX_VALUE,
            "/enrich bodies up to this size skip admission and run whole on the small-request threads (0 = none)"));

    public static final Setting<String> TOKENS = add(
            Setting.text(
                    "tokens",
                    "",
                    "FILE",
                    "Bearer tokens, one 'ROLE TOKEN' per line (read, write, admin; # comments); none confines the service to loopback"));
    public static final Setting<Boolean> INSECURE =
            add(Setting.flag("insecure", false, "Allow a non-loopback --host without --tokens"));
    public static final Setting<String> ALLOWED_HOSTS = add(Setting.text(
            "allowed-hosts",
            "localhost",
            "NAMES",
            "Host header names answered besides IP literals and the bind address, comma-separated (421 otherwise)"));
    public static final Setting<String> ALLOWED_ORIGINS = add(Setting.text(
            "allowed-origins",
            "",
            "ORIGINS",
            "Browser origins allowed to call the service, comma-separated (403 otherwise; none by default)"));
    public static final Setting<Long> TCP_IDLE_TIMEOUT_MS = add(Setting.longValue(
            "tcp-idle-timeout-ms",
            60_000,
            1,
            MAX,
            "A TCP connection that sends nothing for this long is closed (also bounds a stalled line)"));
    public static final Setting<Integer> TCP_MAX_CONNECTIONS = add(Setting.integer(
            "tcp-max-connections",
            1024,
            1,
            1 << 20,
            "Open TCP connections at once; more are answered with an error line and closed"));
    public static final Setting<Long> TCP_BUFFER_BUDGET_BYTES = add(Setting.longValue(
            "tcp-buffer-budget-bytes",
            64L << 20,
            1,
            MAX,
            "Bytes of unfinished lines all TCP connections may buffer together"));
    public static final Setting<Integer> MAX_REFSETS =
            add(Setting.integer("max-refsets", 16, 1, 4096, "Reference sets loaded at once, the default included"));
    public static final Setting<Long> MAX_REFSET_PLACES = add(
            Setting.longValue("max-refset-places", 5_000_000, 1, MAX, "Places in all loaded reference sets together"));
    public static final Setting<Long> MAX_MATCH_SLOTS = add(Setting.longValue(
            "max-match-slots", 8_000_000, 1, MAX, "Results (records x k) one /enrich request may ask for (413 above)"));
    public static final Setting<Long> MATCH_BUDGET = add(Setting.longValue(
            "match-budget", 32_000_000, 1, MAX, "Results all requests in flight may hold together (503 above)"));

    private static <T> Setting<T> add(Setting<T> s) {
        ALL.add(s);
        return s;
    }

    private final Map<Setting<?>, Object> values;

    private ServerConfig(Map<Setting<?>, Object> values) {
        this.values = values;
    }

    /** Every setting, in declaration order. */
    public static List<Setting<?>> settings() {
        return Collections.unmodifiableList(ALL);
    }

    /** The setting with this key (any case, dots or underscores for dashes), or null. */
    private static Setting<?> setting(String key) {
        String k = key.strip().replace('.', '-').replace('_', '-').toLowerCase(Locale.ROOT);
        for (Setting<?> s : ALL) {
            if (s.key().equals(k)) {
                return s;
            }
        }
        return null;
    }

    public <T> T get(Setting<T> setting) {
        return setting.type().cast(values.get(setting));
    }

    /** A copy with one value changed (checked against the setting's bounds). */
    public <T> ServerConfig with(Setting<T> setting, T value) {
        Map<Setting<?>, Object> copy = new IdentityHashMap<>(values);
        copy.put(setting, setting.parseValue(String.valueOf(value)));
        return new ServerConfig(copy);
    }

    /** A copy with settings changed by key, the values as text (as in a config file; tests and embedding). */
    public ServerConfig with(Map<String, String> changes) {
        Map<Setting<?>, Object> copy = new IdentityHashMap<>(values);
        changes.forEach((key, v) -> {
            Setting<?> s = setting(key);
            if (s == null) {
                throw new IllegalArgumentException("unknown setting " + key);
            }
            copy.put(s, s.parseValue(v));
        });
        return new ServerConfig(copy);
    }

    /** The defaults alone. */
    public static ServerConfig defaultConfig() {
        return load(null, Map.of(), Map.of());
    }

    /**
     * Resolves the configuration: defaults, then {@code configFile} (may be null), then the environment,
     * then {@code overrides} (command-line values, keyed like the file; null values ignored).
     */
    public static ServerConfig load(Path configFile, Map<String, String> env, Map<String, String> overrides) {
        // by identity, as the values: a record's hashCode is linked on its first call, ~16 ms of start-up CPU
        Map<Setting<?>, String> text = new IdentityHashMap<>();
        for (Setting<?> s : ALL) {
            text.put(s, s.defaultText());
        }
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
                Setting<?> s = setting(key);
                if (s == null) {
                    throw new InvalidInputException(
                            "unknown_setting",
                            configFile + ": unknown setting '" + key + "' (known: " + keys() + ")",
                            Map.of("file", configFile.toString(), "field", key));
                }
                text.put(s, p.getProperty(key));
            }
        }
        for (Setting<?> s : ALL) {
            String v = env.get(s.env());
            if (v != null && !v.isBlank()) {
                text.put(s, v);
            }
        }
        overrides.forEach((key, v) -> {
            if (v != null) {
                Setting<?> s = setting(key);
                if (s == null) {
                    throw new IllegalArgumentException("unknown setting " + key);
                }
                text.put(s, v);
            }
        });
        Map<Setting<?>, Object> values = new IdentityHashMap<>();
        for (Setting<?> s : ALL) {
            values.put(s, s.parseValue(text.get(s)));
        }
        return new ServerConfig(values);
    }

    /** The keys, comma-separated, for messages. */
    public static String keys() {
        return String.join(", ", ALL.stream().map(Setting::key).toList());
    }

    /** The settings as {@code key=value}, for the start-up banner. */
    public List<String> describe() {
        // the database URL may carry a password: the banner and the logs show it redacted
        return ALL.stream()
                .map(s -> s.key() + "=" + (s == DB ? StoreConfig.redact(db()) : values.get(s)))
                .toList();
    }

    /** The README's settings table (Markdown), generated from the declarations; a test keeps them equal. */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("| option / file key | environment | default | meaning |\n");
        sb.append("| --- | --- | --- | --- |\n");
        for (Setting<?> s : ALL) {
            sb.append("| `")
                    .append(s.option())
                    .append("` | `")
                    .append(s.env())
                    .append("` | ")
                    .append(s.defaultDoc().equals(s.defaultText()) ? "`" + s.defaultText() + "`" : s.defaultDoc())
                    .append(" | ")
                    .append(s.help().replace("|", "\\|"))
                    .append(" |\n");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "ServerConfig" + describe();
    }

    // Shorthands for the settings the service reads most.

    public String host() {
        return get(HOST);
    }

    public int port() {
        return get(PORT);
    }

    /** The TCP port as the server binds it: -1 for off, 0 for any free port (the setting says 0 for off). */
    public int tcpPort() {
        int v = get(TCP_PORT);
        return v == 0 ? -1 : Math.max(0, v);
    }

    public String refs() {
        return get(REFS);
    }

    public String regions() {
        return get(REGIONS);
    }

    public boolean tcpCountry() {
        return get(TCP_COUNTRY);
    }

    public int cpuPermits() {
        return get(CPU_PERMITS);
    }

    public int maxInFlight() {
        return get(MAX_IN_FLIGHT);
    }

    public long admissionWaitMs() {
        return get(ADMISSION_WAIT_MS);
    }

    public long maxBodyBytes() {
        return get(MAX_BODY_BYTES);
    }

    public long requestDeadlineMs() {
        return get(REQUEST_DEADLINE_MS);
    }

    public long graceMs() {
        return get(GRACE_MS);
    }

    public int tcpMaxLineBytes() {
        return get(TCP_MAX_LINE_BYTES);
    }

    public String db() {
        return get(DB);
    }

    public long headerTimeoutMs() {
        return get(HEADER_TIMEOUT_MS);
    }

    public long bodyTimeoutMs() {
        return get(BODY_TIMEOUT_MS);
    }

    public long idleTimeoutMs() {
        return get(IDLE_TIMEOUT_MS);
    }

    public int maxConnections() {
        return get(MAX_CONNECTIONS);
    }

    public int smallBodyBytes() {
        return get(SMALL_BODY_BYTES);
    }

    /**
     * Event-loop threads to start: the setting, or one per two cores. The loops only move bytes (requests run
     * on the CPU pools), and they share the cores with those pools and, in a benchmark, with the load
     * generator: on 2 cores one loop answered {@code GET /} at 148-150k req/s with a p99 of 1.0-1.7 ms and
     * 6.6 us of CPU a request, two loops at 112-126k req/s, 4.2-4.7 ms, 7.5-8.5 us (wrk -c 64, alternated);
     * the 100-record body kept its rate with a p99 of 12 ms against 17-18, and the 10k-record body lost 5-8%
     * at -c 64.
     */
    public int effectiveIoThreads() {
        int n = get(IO_THREADS);
        return n > 0 ? n : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    public String tokens() {
        return get(TOKENS);
    }

    public boolean insecure() {
        return get(INSECURE);
    }

    public String allowedHosts() {
        return get(ALLOWED_HOSTS);
    }

    public String allowedOrigins() {
        return get(ALLOWED_ORIGINS);
    }

    /** {@link #allowedHosts} as a list. */
    public List<String> allowedHostList() {
        return split(allowedHosts());
    }

    /** {@link #allowedOrigins} as a list. */
    public List<String> allowedOriginList() {
        return split(allowedOrigins());
    }

    private static List<String> split(String list) {
        return Arrays.stream(list.split(","))
                .map(String::strip)
                .filter(x -> !x.isEmpty())
                .toList();
    }

    public long tcpIdleTimeoutMs() {
        return get(TCP_IDLE_TIMEOUT_MS);
    }

    public int tcpMaxConnections() {
        return get(TCP_MAX_CONNECTIONS);
    }

    public long tcpBufferBudgetBytes() {
        return get(TCP_BUFFER_BUDGET_BYTES);
    }

    public int maxRefsets() {
        return get(MAX_REFSETS);
    }

    public long maxRefsetPlaces() {
        return get(MAX_REFSET_PLACES);
    }

    public long maxMatchSlots() {
        return get(MAX_MATCH_SLOTS);
    }

    public long matchBudget() {
        return get(MATCH_BUDGET);
    }
}
