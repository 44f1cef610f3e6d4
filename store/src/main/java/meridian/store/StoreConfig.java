package meridian.store;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the store lives and how the connection pool behaves. {@link #embedded(Path)} is the zero-setup
 * default (an H2 file database); {@link #of(String)} takes a JDBC URL, e.g.
 * {@code jdbc:postgresql://127.0.0.1:5432/meridian?user=postgres}.
 *
 * @param url JDBC URL
 * @param user database user, or null when the URL carries it
 * @param password password, or null
 * @param poolSize largest number of open connections
 * @param connectionTimeout how long a caller waits for a connection before getting
 *     {@link meridian.core.error.UnavailableException}: this bounds how long a request hangs on a dead database
 */
public record StoreConfig(String url, String user, String password, int poolSize, Duration connectionTimeout) {

    /** Default H2 file: {@code ./data/meridian} (relative to the working directory). */
    public static final Path DEFAULT_FILE = Path.of("data", "meridian");

    public StoreConfig {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("a JDBC URL is required");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("pool size must be at least 1, got " + poolSize);
        }
    }

    /** The embedded default: an H2 database in {@code ./data/meridian.mv.db}. */
    public static StoreConfig embedded() {
        return embedded(DEFAULT_FILE);
    }

    /**
     * An H2 file database at {@code file} (H2 appends {@code .mv.db}), in PostgreSQL mode so that the same
     * SQL runs on both. {@code WRITE_DELAY=0} makes H2 write each commit to the file before returning, so
     * that an acknowledged ingest survives a killed process.
     */
    public static StoreConfig embedded(Path file) {
        String path = file.toAbsolutePath().normalize().toString();
        return of(
                "jdbc:h2:file:" + path
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;NON_KEYWORDS=VALUE;WRITE_DELAY=0");
    }

    /**
     * The configuration for a {@code --db URL} style option: the embedded default when {@code url} is null
     * or blank, else that URL (e.g. {@code jdbc:postgresql://127.0.0.1:5432/meridian?user=postgres}).
     */
    public static StoreConfig fromOption(String url) {
        return url == null || url.isBlank() ? embedded() : of(url);
    }

    /** Any JDBC URL (PostgreSQL or H2), default pool settings. */
    public static StoreConfig of(String url) {
        return new StoreConfig(url, null, null, 8, Duration.ofSeconds(5));
    }

    public StoreConfig withPoolSize(int size) {
        return new StoreConfig(url, user, password, size, connectionTimeout);
    }

    public StoreConfig withConnectionTimeout(Duration timeout) {
        return new StoreConfig(url, user, password, poolSize, timeout);
    }

    public StoreConfig withCredentials(String newUser, String newPassword) {
        return new StoreConfig(url, newUser, newPassword, poolSize, connectionTimeout);
    }

    public boolean isPostgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    /** The URL without credentials, for messages and logs. */
    public String redactedUrl() {
        return redact(url);
    }

    /**
     * {@code url} with every password hidden: {@code password=...} parameters (PostgreSQL {@code ?&}, H2
     * {@code ;}) and {@code user:password@} authorities. Any other text comes back unchanged.
     */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        return url.replaceAll("(?i)(password|pwd|sslpassword)=[^&;]*", "$1=***")
                .replaceAll("(//[^/@:?;]*):[^/@?;]*@", "$1:***@");
    }
}
