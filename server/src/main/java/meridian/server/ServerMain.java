package meridian.server;

import io.netty.util.ResourceLeakDetector;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import meridian.core.error.MeridianException;

/**
 * Plain entry point of the service (benchmarks, containers): {@code java -cp ... meridian.server.ServerMain
 * [--config FILE] [--key=value ...]} with the keys of {@link ServerConfig}. {@code meridian serve} is the
 * same with picocli options. SIGTERM and SIGINT drain the service and exit with status 0.
 */
public final class ServerMain {
    private ServerMain() {}

    public static void main(String[] args) throws Exception {
        Path configFile = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--config") && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else if (a.startsWith("--") && a.contains("=")) {
                overrides.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            } else {
                System.err.println("usage: ServerMain [--config FILE] [--key=value ...]; keys: " + ServerConfig.keys());
                System.exit(2);
            }
        }
        try {
            ServerConfig config = ServerConfig.load(configFile, System.getenv(), overrides);
            System.exit(run(config));
        } catch (MeridianException e) {
            System.err.println("meridian: " + e.getMessage());
            System.exit(2);
        }
    }

    /**
     * Starts the service, prints where it listens, and blocks until SIGTERM/SIGINT, then drains and
     * returns 0. A shutdown hook drains too when the JVM exits for another reason.
     */
    public static int run(ServerConfig config) throws Exception {
        long t0 = System.nanoTime();
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // Netty's default samples one buffer in 128 with a stack trace (~2% of a GET /, profiled); the
            // tests run with it, the service does not (set the property to turn it back on)
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        MeridianServer server = MeridianServer.start(config);
        server.printBanner(System.out);
        System.out.printf("  started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        System.out.flush();
        AotTraining.exerciseIfRecording(server);
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTermination(stop::countDown);
        Thread hook = new Thread(server::stop, "meridian-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stop.await();
        System.out.println("meridian: draining (grace " + config.graceMs() + " ms) ...");
        server.stop();
        System.out.println("meridian: stopped");
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the JVM is exiting anyway
        }
        return 0;
    }
}
