package meridian.server.hostile;

import meridian.testkit.TestDatabases;

class PostgresStorageAttackTest extends StorageAttackTest {
    private String name;

    @Override
    String database() {
        if (name == null) {
            name = TestDatabases.createPostgres("meridian_hostile");
        }
        // the local server trusts the user, so any password works: it must still never be shown
        return TestDatabases.postgresUrl(name) + "&password=pgsecret";
    }

    @Override
    void dropDatabase() {
        TestDatabases.dropPostgres(name);
    }
}
