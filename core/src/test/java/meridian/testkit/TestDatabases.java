package meridian.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Throw-away databases for the store and server tests: a fresh PostgreSQL database on the local server
 * (127.0.0.1:5432, user postgres, or {@code MERIDIAN_PG_URL}), dropped afterwards; or a temporary directory
 * for an H2 file. The JDBC driver comes from the module that uses it.
 */
public final class TestDatabases {
    public static final String PG_ADMIN_URL =
            System.getenv().getOrDefault("MERIDIAN_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

    private TestDatabases() {}

    /** Creates an empty PostgreSQL database with a random name starting with {@code prefix}; returns the name. */
    public static String createPostgres(String prefix) {
        String name =
                prefix + "_" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        admin("CREATE DATABASE " + name);
        return name;
    }

    /** The JDBC URL of a database on the same server as {@link #PG_ADMIN_URL}. */
    public static String postgresUrl(String database) {
        return PG_ADMIN_URL.replace("/postgres?", "/" + database + "?");
    }

    public static void dropPostgres(String name) {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    /** Runs one statement on the server's admin database. */
    public static void admin(String sql) {
        try (Connection c = DriverManager.getConnection(PG_ADMIN_URL);
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
