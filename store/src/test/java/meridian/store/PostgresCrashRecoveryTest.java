package meridian.store;

import meridian.testkit.TestDatabases;
import org.junit.jupiter.api.AfterEach;

class PostgresCrashRecoveryTest extends CrashRecoveryTest {
    private String database;

    @Override
    String url() {
        database = TestDatabases.createPostgres("meridian_crash_test");
        return TestDatabases.postgresUrl(database);
    }

    @AfterEach
    void cleanUp() {
        if (database != null) {
            TestDatabases.dropPostgres(database);
        }
    }
}
