package meridian.testkit;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The one seed convention of the randomized tests: a test class declares {@code @ExtendWith(Seeds.class)} and
 * draws its randomness from {@code new Random(Seeds.seed())}. The seed is {@code -Dmeridian.seed=N} when given,
 * else chosen once per test JVM; it is printed when a class starts, and a failing test prints the exact command
 * that replays it with the same seed.
 */
public final class Seeds implements BeforeAllCallback, TestExecutionExceptionHandler {
    public static final String PROPERTY = "meridian.seed";

    private static final long SEED = Long.getLong(PROPERTY, System.nanoTime() ^ 0x5DEECE66DL);

    /** The seed of this run: {@code -Dmeridian.seed} or the one chosen at start. */
    public static long seed() {
        return SEED;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        System.out.println(context.getRequiredTestClass().getSimpleName() + " seed " + SEED + " (-D" + PROPERTY + "="
                + SEED + " replays it)");
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        String line = replayCommand(context);
        System.err.println("replay with the same seed: " + line);
        failure.addSuppressed(new SeedReplay(line));
        throw failure;
    }

    /** The command that reruns the failed test with this seed, from the repository root. */
    static String replayCommand(ExtensionContext context) {
        String module = Path.of(System.getProperty("user.dir")).getFileName().toString();
        String test = context.getRequiredTestClass().getSimpleName()
                + context.getTestMethod().map(m -> "#" + m.getName()).orElse("");
        return "./mvnw -B test -pl " + module + " -am -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dsurefire.excludedGroups= -Dtest='" + test + "' -D" + PROPERTY + "=" + SEED;
    }

    /** Carries the replay command into the test report next to the failure. */
    static final class SeedReplay extends Exception {
        SeedReplay(String command) {
            super("replay: " + command, null, false, false);
        }
    }
}
