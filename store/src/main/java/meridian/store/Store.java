package meridian.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import meridian.core.error.UnavailableException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The persistent side of Meridian: a connection pool over PostgreSQL or embedded H2, the schema (Flyway
 * migrations, applied on {@link #open}), and the two APIs the service and the CLI use, {@link #users()}
 * and {@link #events()}.
 *
 * <p>Error contract: every method throws only {@link meridian.core.error.MeridianException} subclasses for
 * conditions a caller can act on. A database that cannot be reached (down, refusing connections, pool
 * exhausted past {@link StoreConfig#connectionTimeout()}) gives {@link UnavailableException} with code
 * {@code database_unavailable}; the pool recovers by itself when the database returns. Thread-safe.
 */
public final class Store implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Store.class.getName());

    private final StoreConfig config;
    private final HikariDataSource pool;
    private final Users users;
    private final Events events;

    private Store(StoreConfig config, HikariDataSource pool) {
        this.config = config;
        this.pool = pool;
        this.users = new Users(this);
        this.events = new Events(this);
    }

    /**
     * Opens the pool, brings the schema up to date, and repairs any aggregate that holds a non-finite
     * number (written before values were bounded) by recomputing it from its user's events.
     */
    public static Store open(StoreConfig config) {
        var hc = new HikariConfig();
        hc.setJdbcUrl(config.url());
        if (config.user() != null) {
            hc.setUsername(config.user());
        }
        if (config.password() != null) {
            hc.setPassword(config.password());
        }
        hc.setPoolName("meridian-store");
        hc.setMaximumPoolSize(config.poolSize());
        hc.setMinimumIdle(Math.min(2, config.poolSize()));
        hc.setConnectionTimeout(Math.max(250, config.connectionTimeout().toMillis()));
        hc.setValidationTimeout(
                Math.max(250, Math.min(1000, config.connectionTimeout().toMillis())));
        hc.setAutoCommit(true);
        // Start even when the database is down: requests then get 503 until it is back.
        hc.setInitializationFailTimeout(-1);
        if (config.isPostgres()) {
            hc.addDataSourceProperty("tcpKeepAlive", "true");
            hc.addDataSourceProperty(
                    "connectTimeout",
                    String.valueOf(Math.max(1, config.connectionTimeout().toSeconds())));
        }
        var pool = new HikariDataSource(hc);
        try {
            migrate(pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        Store store = new Store(config, pool);
        try {
            int repaired = store.events.repairAggregates();
            if (repaired > 0) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "recomputed " + repaired + " user aggregate(s) that held a non-finite number");
            }
        } catch (UnavailableException e) {
            LOG.log(System.Logger.Level.WARNING, "aggregate check skipped: the database is unavailable");
        }
        return store;
    }

    private static void migrate(DataSource ds) {
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:meridian/db")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            SQLException sql = findSql(e);
            if (sql == null || !isUnavailable(sql)) {
                throw new IllegalStateException("database migration failed: " + e.getMessage(), e);
            }
            LOG.log(
                    System.Logger.Level.WARNING,
                    "cannot prepare the database schema: " + StoreConfig.redact(sql.getMessage()));
            throw new UnavailableException(
                    "database_unavailable", "the database is unavailable", Map.of("operation", "migrate"), e);
        }
    }

    public Users users() {
        return users;
    }

    public Events events() {
        return events;
    }

    public StoreConfig config() {
        return config;
    }

    /** True when a connection can be had and answers within the validation timeout (for {@code /health}). */
    public boolean healthy() {
        try (Connection c = pool.getConnection()) {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    /** A unit of work on one connection inside one transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in a transaction: commit when it returns, roll back when it throws. Deadlocks and
     * serialization failures are retried a few times (the work must be repeatable: all our writes are).
     * Only after the commit returned is the result handed back, so a caller that acknowledges on return
     * acknowledges only durable data.
     */
    <T> T transaction(String operation, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c);
                    throw e;
                } finally {
                    resetQuietly(c);
                }
            } catch (SQLException e) {
                if (isRetryable(e) && attempt < 5) {
                    continue;
                }
                throw translate(e, operation);
            }
        }
    }

    /** Runs a read (or single-statement write) in autocommit mode. */
    <T> T autocommit(String operation, Work<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw translate(e, operation);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool will discard it
        }
    }

    private static void resetQuietly(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // as above
        }
    }

    private static boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }

    /** Maps a JDBC failure to the product's errors; unexpected ones (a bug) stay unchecked and loud. */
    RuntimeException translate(SQLException e, String operation) {
        if (isUnavailable(e)) {
            var detail = new LinkedHashMap<String, Object>();
            detail.put("operation", operation);
            // read by the HTTP layer for its Retry-After header
            detail.put("retry_after_s", 1);
            // The driver's message names hosts, ports, databases and users: logged, never sent to a client.
            LOG.log(
                    System.Logger.Level.WARNING,
                    operation + ": the database is unavailable (SQL state " + e.getSQLState() + "): "
                            + StoreConfig.redact(rootMessage(e)));
            return new UnavailableException("database_unavailable", "the database is unavailable", detail, e);
        }
        return new IllegalStateException(operation + " failed: " + e.getMessage(), e);
    }

    static boolean isUnavailable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null) {
                String state = s.getSQLState();
                // 08: connection exception; 57P: operator intervention (admin shutdown, cannot connect now);
                // 53: insufficient resources; 55000 on connect: database not accepting connections;
                // 3D000: database missing (dropped/renamed); 40001/40P01 after retries: contention.
                if (state.startsWith("08")
                        || state.startsWith("57P")
                        || state.startsWith("53")
                        || state.equals("55000")
                        || state.equals("3D000")
                        || state.equals("40001")
                        || state.equals("40P01")) {
                    return true;
                }
                // H2: 90020 file in use, 90098 database closed, 90121 closed by shutdown, 90046 bad URL host
                int code = s.getErrorCode();
                if (code == 90020 || code == 90098 || code == 90121 || code == 90067) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable last = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                last = t;
            }
        }
        String m = last.getMessage();
        return m == null ? last.getClass().getSimpleName() : m;
    }

    private static SQLException findSql(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }
}
