package meridian.store;

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
 * Throw-away databases for tests: a fresh PostgreSQL database per test class on the local server
 * (127.0.0.1:5432, user postgres, or {@code MERIDIAN_PG_URL}), dropped afterwards; or a fresh H2 file in a
 * temporary directory.
 */
final class TestDatabases {
    static final String PG_ADMIN_URL =
            System.getenv().getOrDefault("MERIDIAN_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

    private TestDatabases() {}

    /** Creates an empty PostgreSQL database and returns its name. */
    static String createPostgres(String prefix) {
        String name =
                prefix + "_" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        admin("CREATE DATABASE " + name);
        return name;
    }

    static String postgresUrl(String database) {
        return PG_ADMIN_URL.replace("/postgres?", "/" + database + "?");
    }

    static void dropPostgres(String name) {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    static void admin(String sql) {
        try (Connection c = DriverManager.getConnection(PG_ADMIN_URL);
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
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
