package meridian.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import meridian.cli.aggregate.FileAggregation;
import meridian.cli.aggregate.RollupCsv;
import meridian.cli.io.BlockPipeline;
import meridian.core.aggregate.Aggregator;
import meridian.core.error.InvalidInputException;
import meridian.core.error.NotFoundException;
import meridian.core.refs.ErrorPolicy;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;
import meridian.server.AotTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code meridian aggregate INPUT}: per-key rollups (count, sum, min, max, mean, first/last timestamp,
 * last nearest place, standard deviation) of an event file, with the same core aggregator the store uses.
 */
@Command(
        name = "aggregate",
        mixinStandardHelpOptions = true,
        description = {
            "Per-user (or per-KEY) rollups of an event file: CSV with a header or NDJSON, gzip detected.",
            "",
            "Columns used: the --by column, value, ts (ISO-8601, UTC when it has no offset, or epoch seconds or "
                    + "milliseconds as a number), and "
                    + "optionally id (else the line number) and lat,lon (to tag each event with its nearest place).",
            "",
            "Output: CSV, one row per key in key order: KEY," + RollupCsv.COLUMNS + ".",
            ""
        })
public final class AggregateCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "INPUT", description = "Event file, or - for standard input.")
    String input;

    @Option(
            names = "--by",
            paramLabel = "COLUMN",
            defaultValue = "user_id",
            description = "Key column (default: ${DEFAULT-VALUE}).")
    String by;

    @Option(names = "--out", paramLabel = "FILE", description = "Output CSV file (default: standard output).")
    Path out;

    @Option(
            names = "--refs",
            paramLabel = "FILE",
            description = "Reference places (CSV or GeoJSON); default: the bundled GeoNames cities.")
    Path refs;

    @Option(names = "--no-places", description = "Do not tag events with their nearest place.")
    boolean noPlaces;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the number of cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    // As process's chunk: the batch nearest search gains with the batch (NearestCpuTime: 1.5x at 16,384 rows
    // against 1,024 on clustered points), and the result no longer depends on the chunking (one fold in file order).
    @Option(
            names = "--chunk",
            paramLabel = "N",
            defaultValue = "16384",
            description = "Events per parallel chunk (default: ${DEFAULT-VALUE}).")
    int chunk;

    @Override
    public Integer call() {
        if (threads < 1 || chunk < 1) {
            throw new InvalidInputException(
                    "invalid_option", "--threads and --chunk must be at least 1", Map.of("field", "threads/chunk"));
        }
        ReferenceSet places = noPlaces ? null : references();
        // one pool of workers for the run: the chunks' scanning and tagging, then the rollups' formatting
        ExecutorService workers = BlockPipeline.workers(threads);
        try {
            var aggregation = new FileAggregation(places, workers, threads, chunk);
            Aggregator result;
            if ("-".equals(input)) {
                result = aggregation.aggregate(main.stdin, "<stdin>", by);
            } else {
                Path file = Path.of(input);
                try (InputStream in = Files.newInputStream(file)) {
                    result = aggregation.aggregate(in, input, by);
                } catch (NoSuchFileException e) {
                    throw new NotFoundException("file_not_found", "no such file: " + input, Map.of("file", input));
                } catch (IOException e) {
                    throw new InvalidInputException(
                            "unreadable_file",
                            "cannot read " + input + ": " + e.getMessage(),
                            Map.of("file", input),
                            e);
                }
            }
            if (out == null) {
                RollupCsv.write(result, by, main.stdout, workers, threads);
            } else {
                try (OutputStream o = Files.newOutputStream(out)) {
                    RollupCsv.write(result, by, o, workers, threads);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
                }
            }
            if (AotTraining.recording() && result.events() < TrainingRows.ROWS) {
                train(places, workers);
            }
        } finally {
            workers.shutdownNow();
        }
        return 0;
    }

    /**
     * In the run that records the AOT cache, after fewer of the user's events than {@link TrainingRows#ROWS}: its
     * made-up events with the same places (or none), the rollups discarded, so that the cache holds the hot loops'
     * compiles whatever the first file was (a larger first file has trained it on the user's own data). A failure
     * here only leaves the cache without them.
     */
    private void train(ReferenceSet places, ExecutorService workers) {
        try {
            var aggregation = new FileAggregation(places, workers, threads, chunk);
            Aggregator result = aggregation.aggregate(
                    new ByteArrayInputStream(TrainingRows.events(places)), "<training>", TrainingRows.KEY);
            RollupCsv.write(result, TrainingRows.KEY, OutputStream.nullOutputStream(), workers, threads);
        } catch (RuntimeException | OutOfMemoryError e) {
            // recorded from the user's events alone: later runs compile their loops later, nothing else (and a heap
            // too small for the made-up events must not turn the user's finished run into a failed one)
        }
    }

    private ReferenceSet references() {
        if (refs == null) {
            return ReferenceSetReader.bundled();
        }
        return ReferenceSetReader.load(refs, ErrorPolicy.FAIL_FAST).set();
    }
}
