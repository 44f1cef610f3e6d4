package meridian.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import meridian.core.error.UnavailableException;
import meridian.store.Store;
import meridian.store.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code /health} reports of the database while it opens, once open, and when it cannot be opened. */
class StoreAccessTest {
    @TempDir
    Path dir;

    @Test
    void opensInTheBackgroundAndSaysSo() throws Exception {
        var release = new CountDownLatch(1);
        try (var access = new StoreAccess(
                () -> {
                    release.await();
                    return Store.open(StoreConfig.embedded(dir.resolve("db")));
                },
                "test")) {
            assertThat(access.state()).as("before the service starts it").isEqualTo(StoreAccess.State.OPENING);
            access.start();
            assertThat(access.awaitOpen(50)).isFalse();
            assertThat(access.state()).as("while the opener runs").isEqualTo(StoreAccess.State.OPENING);
            assertThat(access.isOpen()).isFalse();
            release.countDown();
            assertThat(access.awaitOpen(TimeUnit.SECONDS.toMillis(30))).isTrue();
            assertThat(access.state()).isEqualTo(StoreAccess.State.OPEN);
            assertThat(access.get()).isNotNull();
        }
    }

    @Test
    void aFailedOpeningIsUnavailable() throws Exception {
        try (var access = new StoreAccess(
                () -> {
                    throw new IllegalStateException("no database here");
                },
                "test")) {
            access.start();
            assertThat(access.awaitOpen(TimeUnit.SECONDS.toMillis(30))).isFalse();
            assertThat(access.state()).isEqualTo(StoreAccess.State.UNAVAILABLE);
            assertThatThrownBy(access::get)
                    .isInstanceOf(UnavailableException.class)
                    .hasMessageNotContaining("no database here");
        }
    }

    @Test
    void aClosedStoreIsUnavailable() {
        var access = new StoreAccess(() -> Store.open(StoreConfig.embedded(dir.resolve("db"))), "test");
        access.close();
        assertThat(access.state()).isEqualTo(StoreAccess.State.UNAVAILABLE);
    }
}
