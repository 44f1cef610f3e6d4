package meridian.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The service in a child JVM ({@link ServerMain}, this test's class path), so that a test can kill -9 it. */
final class ChildServer {
    private static final Pattern LISTENING = Pattern.compile("HTTP\\s+http://[^:]+:(\\d+)/");

    final Process process;
    final int port;

    private ChildServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts {@code ServerMain} with the given database and reference file; returns once it listens. */
    static ChildServer start(String db, Path refs, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ServerMain.class.getName(),
                        "--port=0",
                        "--tcp-port=0",
                        "--refs=" + refs,
                        "--db=" + db)
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                int port = Integer.parseInt(m.group(1));
                drain(out, log);
                return new ChildServer(p, port);
            }
        }
        throw new IllegalStateException("the child server exited before listening:\n" + seen);
    }

    /** Keeps reading the child's output so that it never blocks on a full pipe. */
    private static void drain(BufferedReader out, Path log) {
        Thread.ofVirtual().start(() -> {
            try (var w = java.nio.file.Files.newBufferedWriter(
                    log,
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND)) {
                String l;
                while ((l = out.readLine()) != null) {
                    w.write(l);
                    w.newLine();
                }
            } catch (IOException e) {
                // the child is gone
            }
        });
    }

    /** kill -9: no shutdown hook, no drain, no flush. */
    void killHard() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then wait for the drain. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return process.exitValue();
    }
}
