package meridian.store;

import meridian.testkit.TestDatabases;

/** The store contract on a real PostgreSQL: a database of its own, dropped afterwards. */
class PostgresStoreTest extends StoreContractTest {
    private String database;

    @Override
    StoreConfig createDatabase() {
        database = TestDatabases.createPostgres("meridian_store_test");
        return StoreConfig.of(TestDatabases.postgresUrl(database)).withPoolSize(4);
    }

    @Override
    void dropDatabase() {
        if (database != null) {
            TestDatabases.dropPostgres(database);
        }
    }
}
