package meridian.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import meridian.core.error.ExitCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lean runtime image (scripts/runtime-image.sh, what the Dockerfile ships) runs the real jar through its own
 * launcher, {@code bin/meridian}, with the launcher's JVM defaults: {@code serve} answers 200 on /health and stops
 * on SIGTERM, leaving its AOT cache for the next start, {@code process} and {@code search} give their results.
 * Skipped, saying so, only when the JDK has no jlink. Prints the image size and the time to the first 200.
 */
@Tag("slow") // builds a jlink image: run by Failsafe in verify, not by mvn test
class RuntimeImageTest {
    static Path root;
    static Path jar;
    static Path image;
    static Path meridian;

    @TempDir
    static Path work;

    @BeforeAll
    static void buildImage() throws Exception {
        Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
        assumeThat(Files.isExecutable(jlink))
                .as("no jlink in %s (a JRE, not a JDK): the runtime image cannot be built here", jlink)
                .isTrue();
        root = Cli.projectRoot();
        jar = root.resolve("cli/target/meridian.jar");
        assertThat(jar)
                .as("the runnable jar is built in package, before this test (mvn verify)")
                .isRegularFile();
        image = root.resolve("cli/target/runtime-image-test");
        var build = run(
                List.of("bash", root.resolve("scripts/runtime-image.sh").toString(), jar.toString(), image.toString()),
                null,
                600);
        assertThat(build.code()).as(build.out()).isZero();
        meridian = image.resolve("bin/meridian");
        assertThat(meridian).isExecutable();
        System.out.println(build.out().strip());
        try (var files = Files.walk(image)) {
            long bytes = files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
            System.out.printf("runtime image: %.1f MB on disk%n", bytes / 1e6);
        }
    }

    @Test
    void serveAnswersHealthThenStopsOnSigterm() throws Exception {
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = work.resolve("serve.log");
        long start = System.nanoTime();
        Process serve = new ProcessBuilder(
                        meridian.toString(),
                        "serve",
                        "--port",
                        Integer.toString(port),
                        "--tcp-port",
                        "0",
                        "--db",
                        "off")
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            var http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            var health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(5))
                    .build();
            int status = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (status != 200 && serve.isAlive() && System.nanoTime() < deadline) {
                try {
                    status = http.send(health, HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                } catch (IOException notYet) {
                    Thread.sleep(20);
                }
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(status)
                    .as("first 200 on /health; the server said:%n%s", Files.readString(log))
                    .isEqualTo(200);
            System.out.println("runtime image: serve answered 200 on /health " + ms + " ms after the process start");
        } finally {
            serve.destroy(); // SIGTERM: the graceful stop
        }
        assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(log);
        assertThat(serve.exitValue()).as(out).isZero();
        assertThat(out).doesNotContain("Exception");
        assertThat(image.resolve("meridian/meridian-serve_no_db.aot"))
                .as("the AOT cache the first serve without a database records when it stops, for the later ones")
                .isRegularFile();
        assertThat(image.resolve("meridian/meridian-serve.aot"))
                .as("a start with a database keeps a cache of its own")
                .doesNotExist();
        assertThat(image.resolve("meridian/meridian-serve_no_db.aot.served"))
                .as("the mark that the recording run served, without which later starts record anew")
                .isRegularFile();
    }

    /**
     * A first {@code serve} after a build that stops before it listens (here a usage error) records a cache
     * without the service's classes: the next start records anew instead of using it.
     */
    @Test
    void aFirstServeThatNeverListenedLeavesItsCacheToBeRecordedAgain() throws Exception {
        Path cache = Files.createTempDirectory(work, "cache");
        Map<String, String> env = Map.of("MERIDIAN_CACHE_DIR", cache.toString());
        Path aot = cache.resolve("meridian-serve.aot");
        var first = runApart(List.of(meridian.toString(), "serve", "--port=abc"), "", 120, env);
        assertThat(first.code()).as(first.err()).isEqualTo(ExitCode.USAGE);
        assertThat(first.err()).contains("'port'");
        assertThat(aot).as("recorded at the failed start's exit").isRegularFile();
        assertThat(cache.resolve("meridian-serve.aot.served")).doesNotExist();
        var recorded = Files.getLastModifiedTime(aot);
        Thread.sleep(1100); // file times of the next recording must differ
        var second = runApart(List.of(meridian.toString(), "serve", "--port=abc"), "", 120, env);
        assertThat(second.code()).as(second.err()).isEqualTo(ExitCode.USAGE);
        assertThat(Files.getLastModifiedTime(aot))
                .as("the second start recorded the cache again rather than using the first one")
                .isNotEqualTo(recorded);
    }

    @Test
    void processEnrichesFromStandardInput() throws Exception {
        var r = run(
                List.of(meridian.toString(), "process", "-", "--no-progress", "--quiet"),
                "id,lat,lon\n1,48.8566,2.3522\n2,35.6895,139.6917\n",
                120);
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out())
                .startsWith("id,lat,lon,nearest_id,nearest_name,distance_km")
                .contains("1,48.8566,2.3522,2988507,Paris,")
                .contains(",Tokyo,");
    }

    /**
     * A batch command out of heap reports it with its hint and exit status 4 (internal), not the JVM's own exit
     * status 3, which is Meridian's I/O error. The heap is cut through JAVA_TOOL_OPTIONS so that the launcher's
     * defaults stay as they are: the bundled cities do not fit in 24 MB.
     */
    @Test
    void processOutOfHeapSaysSoWithItsExitStatus() throws Exception {
        var r = run(
                List.of(meridian.toString(), "process", "-", "--no-progress", "--quiet"),
                "id,lat,lon\n1,48.8566,2.3522\n",
                120,
                Map.of("JAVA_TOOL_OPTIONS", "-Xmx24m"));
        assertThat(r.code()).as(r.out()).isEqualTo(ExitCode.INTERNAL);
        assertThat(r.out()).contains("meridian: out of memory").contains("MERIDIAN_JAVA_OPTS=-Xmx");
    }

    /**
     * A batch command's AOT cache is made over its first two runs (the first records, the second makes the cache
     * and uses it, the later ones use it) without a word of the JVM's in its data or on standard error: the
     * three runs print the same rows and nothing else.
     */
    @Test
    void processMakesItsCacheOverTwoRunsWithOnlyItsDataOnItsStreams() throws Exception {
        Path cache = Files.createTempDirectory(work, "cache");
        Path aot = cache.resolve("meridian-process.aot");
        Path record = cache.resolve("meridian-process.aotconf");
        String expected = "id,lat,lon,nearest_id,nearest_name,distance_km\n1,48.8566,2.3522,2988507,Paris,";
        List<String> command = List.of(meridian.toString(), "process", "-", "--no-progress", "--quiet");
        Map<String, String> env = Map.of("MERIDIAN_CACHE_DIR", cache.toString());
        String first = null;
        for (int run = 1; run <= 3; run++) {
            var r = runApart(command, "id,lat,lon\n1,48.8566,2.3522\n", 120, env);
            assertThat(r.code()).as("run %d: %s", run, r.err()).isZero();
            assertThat(r.err()).as("run %d's standard error", run).isEmpty();
            assertThat(r.out()).as("run %d", run).startsWith(expected).endsWith("\n");
            assertThat(r.out().lines().count())
                    .as("run %d: the header and the row only", run)
                    .isEqualTo(2);
            if (first == null) {
                first = r.out();
                assertThat(record).as("what the first run recorded").isRegularFile();
                assertThat(aot).doesNotExist();
            } else {
                assertThat(r.out()).isEqualTo(first);
                assertThat(aot).as("the cache, made by the second run").isRegularFile();
                assertThat(record).doesNotExist();
            }
        }
    }

    /**
     * {@code aggregate --no-places} makes a cache of its own, so that {@code aggregate} with places does not get
     * one recorded without the search: after two runs without places, the first run with places records anew.
     */
    @Test
    void aggregateWithoutPlacesKeepsACacheOfItsOwn() throws Exception {
        Path cache = Files.createTempDirectory(work, "cache");
        Map<String, String> env = Map.of("MERIDIAN_CACHE_DIR", cache.toString());
        String events = "user_id,lat,lon,value,ts\nu1,48.8566,2.3522,1.5,2026-01-01T00:00:00Z\n";
        String row = "u1,1,1.5,1.5,1.5,1.5,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z,";
        for (int run = 1; run <= 2; run++) {
            var r = runApart(List.of(meridian.toString(), "aggregate", "-", "--no-places"), events, 120, env);
            assertThat(r.code()).as("run %d: %s", run, r.err()).isZero();
            assertThat(r.err()).as("run %d's standard error", run).isEmpty();
            assertThat(r.out()).as("run %d", run).contains(row + ",,,0\n");
        }
        assertThat(cache.resolve("meridian-aggregate_no_places.aot")).isRegularFile();
        assertThat(cache.resolve("meridian-aggregate.aot")).doesNotExist();
        var r = runApart(List.of(meridian.toString(), "aggregate", "-"), events, 120, env);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains(row + "2988507,Paris,0.43324173587601195,0\n");
        assertThat(cache.resolve("meridian-aggregate.aotconf"))
                .as("what the first run with places recorded")
                .isRegularFile();
        assertThat(cache.resolve("meridian-aggregate_no_places.aot")).isRegularFile();
    }

    /**
     * When the cache cannot be made from what the first run recorded (here a record that is not one), the
     * command still runs, says nothing of it, and later runs go without a cache instead of recording again.
     */
    @Test
    void aRecordTheCacheCannotBeMadeFromIsNotRecordedAgain() throws Exception {
        Path cache = Files.createTempDirectory(work, "cache");
        Path record = cache.resolve("meridian-process.aotconf");
        Files.writeString(record, "not a record");
        List<String> command = List.of(meridian.toString(), "process", "-", "--no-progress", "--quiet");
        Map<String, String> env = Map.of("MERIDIAN_CACHE_DIR", cache.toString());
        for (int run = 1; run <= 2; run++) {
            var r = runApart(command, "id,lat,lon\n1,48.8566,2.3522\n", 120, env);
            assertThat(r.code()).as("run %d: %s", run, r.err()).isZero();
            assertThat(r.err()).as("run %d's standard error", run).isEmpty();
            assertThat(r.out()).as("run %d", run).contains("1,48.8566,2.3522,2988507,Paris,");
            assertThat(cache.resolve("meridian-process.aot")).doesNotExist();
            assertThat(cache.resolve("meridian-process.aot.failed")).isRegularFile();
            assertThat(record).as("run %d: nothing recorded again", run).doesNotExist();
        }
    }

    @Test
    void searchFindsPlacesByName() throws Exception {
        var r = run(List.of(meridian.toString(), "search", "sao paulo", "--limit", "1"), null, 120);
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("\tSão Paulo\tBR\t");
    }

    record Result(int code, String out) {}

    record Apart(int code, String out, String err) {}

    /** As {@link #run(List, String, int, Map)} with standard output and standard error kept apart. */
    static Apart runApart(List<String> command, String stdin, int seconds, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        var pb = new ProcessBuilder(new ArrayList<>(command))
                .directory(work.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().putAll(env);
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + seconds + " s:\n" + Files.readString(err));
        }
        return new Apart(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Runs a command with stdin text (or none), stdout and stderr together, within {@code seconds}. */
    static Result run(List<String> command, String stdin, int seconds) throws Exception {
        return run(command, stdin, seconds, Map.of());
    }

    /** As {@link #run(List, String, int)} with these variables added to the environment. */
    static Result run(List<String> command, String stdin, int seconds, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile(work, "out", ".txt");
        var pb = new ProcessBuilder(new ArrayList<>(command))
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().putAll(env);
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + seconds + " s:\n" + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out));
    }
}
