package meridian.store;

import java.nio.file.Path;
import meridian.testkit.TestDatabases;

/** The store contract on the embedded default: an H2 file database in PostgreSQL mode. */
class H2StoreTest extends StoreContractTest {
    private Path dir;

    @Override
    StoreConfig createDatabase() {
        dir = TestDatabases.tempDir("meridian-h2-");
        return StoreConfig.embedded(dir.resolve("meridian"));
    }

    @Override
    void dropDatabase() {
        TestDatabases.deleteTree(dir);
    }
}
