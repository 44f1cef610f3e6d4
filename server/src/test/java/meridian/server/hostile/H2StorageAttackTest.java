package meridian.server.hostile;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2StorageAttackTest extends StorageAttackTest {
    @TempDir
    static Path dir;

    @Override
    String database() {
        return Servers.h2(dir) + ";password=h2secret";
    }

    @Override
    void dropDatabase() {
        // the temporary directory goes away with the test
    }
}
