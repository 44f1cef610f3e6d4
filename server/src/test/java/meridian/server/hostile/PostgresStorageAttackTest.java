package meridian.server.hostile;

import meridian.server.TestPostgres;

class PostgresStorageAttackTest extends StorageAttackTest {
    private String name;

    @Override
    String database() {
        if (name == null) {
            name = TestPostgres.create("meridian_hostile");
        }
        // the local server trusts the user, so any password works: it must still never be shown
        return TestPostgres.url(name) + "&password=pgsecret";
    }

    @Override
    void dropDatabase() {
        TestPostgres.drop(name);
    }
}
