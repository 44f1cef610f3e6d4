package meridian.store;

import java.nio.file.Path;
import meridian.testkit.TestDatabases;
import org.junit.jupiter.api.AfterEach;

class H2CrashRecoveryTest extends CrashRecoveryTest {
    private Path dir;

    @Override
    String url() {
        dir = TestDatabases.tempDir("meridian-crash-");
        return StoreConfig.embedded(dir.resolve("meridian")).url();
    }

    @AfterEach
    void cleanUp() {
        TestDatabases.deleteTree(dir);
    }
}
