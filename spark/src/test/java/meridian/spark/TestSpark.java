package meridian.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import meridian.cli.io.BadRows;
import meridian.cli.io.BlockPipeline;
import meridian.core.enrich.EnrichOptions;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;
import org.apache.spark.sql.SparkSession;

/**
 * The local[2] session the test classes share (one per test JVM: starting Spark costs seconds), and the
 * single-machine answers they compare against.
 */
final class TestSpark {
    private static SparkSession spark;

    private TestSpark() {}

    static synchronized SparkSession session() {
        if (spark == null) {
            spark = SparkSession.builder()
                    .master("local[2]")
                    .appName("meridian-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    // a 1.4 MB file in at least 4 splits, as a cluster would cut a large one
                    .config("spark.sql.files.maxPartitionBytes", "262144")
                    .config("spark.sql.files.openCostInBytes", "1")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .getOrCreate();
        }
        return spark;
    }

    /** The bundled cities, read once per test JVM (about a second each time otherwise). */
    static ReferenceSet cities() {
        return Cities.SET;
    }

    private static final class Cities {
        static final ReferenceSet SET = ReferenceSetReader.bundled();
    }

    static Path root() {
        return Path.of(System.getProperty("meridian.root", ".."))
                .toAbsolutePath()
                .normalize();
    }

    static Path events() {
        return root().resolve("testdata/events.csv");
    }

    static Path airports() {
        return root().resolve("testdata/airports.csv");
    }

    /** What {@code meridian process} writes for a CSV file: the CLI's own pipeline, in this JVM. */
    static List<String> cliProcess(Path input, ReferenceSet refs, int k, double maxKm) {
        return cliProcess(input, refs, new EnrichOptions(k, maxKm));
    }

    /** What {@code meridian process} writes for {@code input} with {@code options}, as lines. */
    static List<String> cliProcess(Path input, ReferenceSet refs, EnrichOptions options) {
        var out = new ByteArrayOutputStream();
        var workers = BlockPipeline.workers(2);
        try (var in = Files.newInputStream(input)) {
            BlockPipeline.run(
                    true, in, new BadRows(input.toString(), false), options, refs, out, 16384, workers, 2, n -> {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            workers.shutdownNow();
        }
        return lines(out.toByteArray());
    }

    static List<String> lines(byte[] bytes) {
        try {
            return new String(bytes, StandardCharsets.UTF_8).lines().toList();
        } catch (RuntimeException e) {
            throw e;
        }
    }

    /** The CSV part files of a job's output directory, in part order: one header, then the rows. */
    static List<String> partFiles(Path dir) throws IOException {
        List<Path> parts;
        try (Stream<Path> s = Files.list(dir)) {
            parts = s.filter(p -> p.getFileName().toString().startsWith("part-")
                            && p.getFileName().toString().endsWith(".csv"))
                    .sorted()
                    .toList();
        }
        List<String> all = new ArrayList<>();
        for (Path p : parts) {
            List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                continue;
            }
            if (all.isEmpty()) {
                all.add(lines.getFirst());
            }
            all.addAll(lines.subList(1, lines.size()));
        }
        return all;
    }

    static ByteArrayInputStream utf8(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
