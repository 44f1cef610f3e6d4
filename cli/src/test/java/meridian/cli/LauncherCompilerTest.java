package meridian.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's choice of compilers (scripts/jvm-defaults.sh, shared by ./meridian and the runtime image): a batch
 * command whose input is known to be under 96 MiB runs on the quick compiler alone
 * ({@code -XX:TieredStopAtLevel=1}); a long or unknown input (a pipe), {@code process -k N}, {@code serve} and the
 * run that records a command's cache keep both compilers. Read from the options the launcher's function sets,
 * with a cache directory holding a cache newer than the jar (so that the run is not the recording one).
 */
class LauncherCompilerTest {
    private static final String QUICK_ONLY = "-XX:TieredStopAtLevel=1";
    private static final long LIMIT = 96L << 20;

    @TempDir
    Path work;

    Path cache;
    Path jar;
    Path small;
    Path large;

    @BeforeEach
    void files() throws IOException {
        cache = Files.createDirectories(work.resolve("cache"));
        jar = Files.writeString(work.resolve("meridian.jar"), "not run");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        for (String cmd : List.of("process", "process_k", "aggregate_no_places", "search")) {
            Files.writeString(cache.resolve("meridian-" + cmd + ".aot"), "a cache newer than the jar");
        }
        small = Files.writeString(work.resolve("small.csv"), "id,lat,lon\n1,48.85,2.35\n");
        large = work.resolve("large.csv");
        try (var f = new RandomAccessFile(large.toFile(), "rw")) {
            f.setLength(LIMIT); // sparse: its length is what counts
        }
    }

    @Test
    void aShortFileRunsOnTheQuickCompilerAlone() throws Exception {
        assertThat(options(null, "process", small.toString(), "--refs", "cities"))
                .contains(QUICK_ONLY);
        assertThat(options(null, "aggregate", small.toString(), "--no-places")).contains(QUICK_ONLY);
        assertThat(options(null, "search", "paris")).contains(QUICK_ONLY);
        assertThat(options(small.toFile(), "process", "--refs", "cities"))
                .as("standard input from a short file")
                .contains(QUICK_ONLY);
    }

    @Test
    void aLongOrUnknownInputKeepsBothCompilers() throws Exception {
        assertThat(options(null, "process", large.toString())).doesNotContain(QUICK_ONLY);
        assertThat(options(large.toFile(), "process"))
                .as("standard input from a long file")
                .doesNotContain(QUICK_ONLY);
        Path justUnder = work.resolve("under.csv");
        try (var f = new RandomAccessFile(justUnder.toFile(), "rw")) {
            f.setLength(LIMIT - small.toFile().length());
        }
        assertThat(options(null, "process", justUnder.toString())).contains(QUICK_ONLY);
        assertThat(options(null, "process", justUnder.toString(), "--refs", small.toString()))
                .as("every file read counts: together at the limit")
                .doesNotContain(QUICK_ONLY);
        for (String out : new String[] {"-o", "--out"}) {
            assertThat(options(null, "process", small.toString(), out, large.toString()))
                    .as("the output an earlier run left is written, not read")
                    .contains(QUICK_ONLY);
        }
        assertThat(options(PIPE, "process", small.toString()))
                .as("standard input a pipe: its length is unknown")
                .doesNotContain(QUICK_ONLY);
    }

    @Test
    void kNearestServeAndTheRecordingRunKeepBothCompilers() throws Exception {
        assertThat(options(null, "process", small.toString(), "-k", "3")).doesNotContain(QUICK_ONLY);
        assertThat(options(null, "serve", "--refs", small.toString())).doesNotContain(QUICK_ONLY);
        Files.delete(cache.resolve("meridian-search.aot"));
        assertThat(options(null, "search", "paris"))
                .as("the run that records the cache")
                .contains("-XX:AOTMode=record")
                .doesNotContain(QUICK_ONLY);
    }

    private static final File PIPE = new File("|");

    /** The JVM options the launcher's function sets for {@code args}, standard input from {@code stdin} (null: /dev/null). */
    private String options(File stdin, String... args) throws Exception {
        var command = new ArrayList<>(List.of(
                "bash",
                "-c",
                ". \"$1\" && meridian_jvm_defaults \"$2\" \"$3\" \"${@:4}\" && printf '%s' \"$MERIDIAN_JAVA_OPTS\"",
                "launcher",
                Cli.projectRoot().resolve("scripts/jvm-defaults.sh").toString(),
                cache.toString(),
                jar.toString()));
        command.addAll(List.of(args));
        var pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().remove("MERIDIAN_JAVA_OPTS");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        if (stdin != PIPE) {
            pb.redirectInput(stdin == null ? new File("/dev/null") : stdin);
        }
        Process p = pb.start();
        if (stdin == PIPE) {
            p.getOutputStream().close();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
