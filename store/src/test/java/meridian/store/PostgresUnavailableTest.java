package meridian.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import meridian.core.error.UnavailableException;
import meridian.testkit.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The database goes away under a running store (its own database stops accepting connections and every
 * backend is terminated; the server itself keeps running): calls fail fast with
 * {@link UnavailableException}, nothing crashes, and the store recovers by itself when the database returns.
 */
@Tag("slow") // run by Failsafe in verify, not by mvn test
class PostgresUnavailableTest {
    private String database;
    private Store store;

    @BeforeEach
    void open() {
        database = TestDatabases.createPostgres("meridian_unavailable_test");
        store = Store.open(StoreConfig.of(TestDatabases.postgresUrl(database))
                .withPoolSize(3)
                .withConnectionTimeout(Duration.ofSeconds(1)));
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
        TestDatabases.admin("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
        TestDatabases.dropPostgres(database);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void failsWithUnavailableWhileTheDatabaseIsGoneAndRecoversAfter() {
        long user = store.users().create("Up", "up@example.com").id();
        assertThat(store.events().ingest(List.of(event(1, user)))).isEqualTo(new IngestResult(1, 0));

        takeDown();
        assertThat(store.healthy()).isFalse();
        assertThatThrownBy(() -> store.events().ingest(List.of(event(2, user))))
                .isInstanceOfSatisfying(UnavailableException.class, e -> {
                    assertThat(e.code()).isEqualTo("database_unavailable");
                    assertThat(e.getMessage()).startsWith("the database is unavailable");
                });
        assertThatThrownBy(() -> store.users().get(user)).isInstanceOf(UnavailableException.class);
        assertThatThrownBy(() -> store.users().create("Down", "down@example.com"))
                .isInstanceOf(UnavailableException.class);
        assertThatThrownBy(() -> store.users().list(10, 0)).isInstanceOf(UnavailableException.class);
        // starting against a database that is down fails the same clear way
        assertThatThrownBy(() -> Store.open(StoreConfig.of(TestDatabases.postgresUrl(database))
                                .withConnectionTimeout(Duration.ofSeconds(1)))
                        .close())
                .isInstanceOfSatisfying(
                        UnavailableException.class, e -> assertThat(e.code()).isEqualTo("database_unavailable"));

        TestDatabases.admin("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
        // the client retries the failed batch until the store is back; then it counts once
        IngestResult r = retryUntilAvailable(() -> store.events().ingest(List.of(event(2, user))));
        assertThat(r).isEqualTo(new IngestResult(1, 0));
        assertThat(store.healthy()).isTrue();
        assertThat(store.users().get(user).aggregate().count()).isEqualTo(2);
        assertThat(store.events().ingest(List.of(event(1, user), event(2, user))))
                .isEqualTo(new IngestResult(0, 2));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void survivesConnectionsKilledBetweenCalls() {
        long user = store.users().create("Flaky", "flaky@example.com").id();
        for (int round = 0; round < 3; round++) {
            TestDatabases.admin(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
            int id = 100 + round;
            // a pooled connection may have died under us: at most an UnavailableException, then recovery
            IngestResult r = retryUntilAvailable(() -> store.events().ingest(List.of(event(id, user))));
            assertThat(r.accepted() + r.duplicates()).isEqualTo(1);
        }
        assertThat(store.users().get(user).aggregate().count()).isEqualTo(3);
    }

    private void takeDown() {
        TestDatabases.admin("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
        TestDatabases.admin(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
    }

    private static Event event(long id, long user) {
        return new Event(id, user, 10, 20, id, "2001-01-01T00:00:0" + (id % 10));
    }

    /** Retries on UnavailableException, as a client honouring 503 + Retry-After would, up to a deadline. */
    private static <T> T retryUntilAvailable(java.util.function.Supplier<T> call) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return call.get();
            } catch (UnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.onSpinWait();
            }
        }
    }
}
