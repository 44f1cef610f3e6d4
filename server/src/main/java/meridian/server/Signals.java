package meridian.server;

/**
 * SIGTERM/SIGINT handling: runs an action instead of the JVM's default exit (status 143/130), so the
 * service can drain and then exit with status 0. Uses {@code sun.misc.Signal} from {@code jdk.unsupported},
 * the only JDK API that intercepts a signal; if it is unavailable, the shutdown hook still drains.
 */
final class Signals {
    private Signals() {}

    @SuppressWarnings("removal")
    static void onTermination(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> action.run());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // signal not available on this platform: the shutdown hook covers it
            }
        }
    }
}
