package meridian.spark;

import java.util.Map;
import meridian.core.error.RefusedException;

/**
 * Refuses JDK 25 builds before 25.0.3: a G1 bug in 25.0.0 to 25.0.2 can corrupt data under the kind of
 * load a Spark executor puts on the heap. Checked by the jobs before the session starts and by every JVM
 * that builds a broadcast index (drivers and executors alike), so a cluster with one bad node fails
 * loudly instead of writing wrong rows.
 */
public final class JdkCheck {
    private JdkCheck() {}

    /** Throws {@link RefusedException} ({@code unsafe_jdk}) on a JDK 25 older than 25.0.3. */
    public static void requireSafeRuntime() {
        String problem = problem(Runtime.version());
        if (problem != null) {
            throw new RefusedException(
                    "unsafe_jdk",
                    problem,
                    Map.of("java.version", Runtime.version().toString()));
        }
    }

    /** What is wrong with running on {@code v}, or null when nothing is. */
    static String problem(Runtime.Version v) {
        if (v.feature() == 25 && v.update() < 3) {
            return "Java " + v + " is refused: JDK 25.0.0 to 25.0.2 have a G1 garbage-collector bug that can"
                    + " corrupt data; use JDK 25.0.3 or newer (set JAVA_HOME, or spark.executorEnv.JAVA_HOME"
                    + " on a cluster)";
        }
        return null;
    }
}
