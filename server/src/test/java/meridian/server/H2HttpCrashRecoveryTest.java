package meridian.server;

/** The kill -9 test on the embedded database (an H2 file). */
class H2HttpCrashRecoveryTest extends HttpCrashRecoveryTest {
    @Override
    String db() {
        return TestServers.h2(dir, "meridian");
    }
}
