package meridian.server;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/** Throw-away databases on the local PostgreSQL (127.0.0.1:5432, user postgres, or MERIDIAN_PG_URL). */
public final class TestPostgres {
    static final String ADMIN_URL =
            System.getenv().getOrDefault("MERIDIAN_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

    private TestPostgres() {}

    public static String create(String prefix) {
        String name =
                prefix + "_" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        admin("CREATE DATABASE " + name);
        return name;
    }

    public static String url(String database) {
        return ADMIN_URL.replace("/postgres?", "/" + database + "?");
    }

    public static void drop(String database) {
        admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    static void admin(String sql) {
        try (Connection c = DriverManager.getConnection(ADMIN_URL);
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
