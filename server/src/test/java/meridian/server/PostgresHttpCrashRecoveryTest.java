package meridian.server;

import meridian.testkit.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The kill -9 test on a real PostgreSQL (a fresh database on the local server, dropped afterwards). */
class PostgresHttpCrashRecoveryTest extends HttpCrashRecoveryTest {
    private String database;

    @BeforeEach
    void createDatabase() {
        database = TestDatabases.createPostgres("meridian_http_crash");
    }

    @AfterEach
    void dropDatabase() {
        TestDatabases.dropPostgres(database);
    }

    @Override
    String db() {
        return TestDatabases.postgresUrl(database);
    }
}
