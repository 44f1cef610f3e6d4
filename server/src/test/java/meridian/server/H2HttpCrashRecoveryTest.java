package meridian.server;

/** The kill -9 test on the embedded database (an H2 file). */
class H2HttpCrashRecoveryTest extends HttpCrashRecoveryTest {
    @Override
    String db() {
        return "jdbc:h2:file:" + dir.resolve("meridian").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;NON_KEYWORDS=VALUE;WRITE_DELAY=0";
    }
}
