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
import java.util.function.Supplier;
import meridian.cli.aggregate.FileAggregation;
import meridian.cli.io.BadRows;
import meridian.cli.io.BlockPipeline;
import meridian.core.aggregate.Aggregator;
import meridian.core.aggregate.RollupCsv;
import meridian.core.error.InvalidInputException;
import meridian.core.error.NotFoundException;
import meridian.core.exec.Background;
import meridian.core.refs.ErrorPolicy;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;
import meridian.server.AotTraining;

/**
 * {@code meridian aggregate INPUT}: per-key rollups (count, sum, min, max, mean, first/last timestamp,
 * last nearest place, standard deviation) of an event file, with the same core aggregator the store uses.
 */
public final class AggregateCommand implements Callable<Integer> {
    static final OptionTable<AggregateCommand> OPTIONS = OptionTable.<AggregateCommand>command(
                    "aggregate",
                    true,
                    "Per-user (or per-KEY) rollups of an event file: CSV with a header or NDJSON, gzip detected.",
                    "",
                    "Columns used: the --by column, value, ts (ISO-8601, UTC when it has no offset, or epoch seconds or "
                            + "milliseconds as a number), and "
                            + "optionally id (else the line number) and lat|latitude, lon|longitude|lng (to tag each event "
                            + "with its nearest place; in CSV these are found as process finds them, case ignored).",
                    "",
                    "Output: CSV, one row per key in key order: KEY," + RollupCsv.COLUMNS + ".",
                    "")
            .param("INPUT", true, "Event file, or - for standard input.", (c, v) -> c.input = (String) v)
            .option(
                    "--by",
                    "COLUMN",
                    String.class,
                    "user_id",
                    "Key column (default: ${DEFAULT-VALUE}).",
                    (c, v) -> c.by = (String) v)
            .option(
                    "-o --out",
                    "FILE",
                    Path.class,
                    null,
                    "Output CSV file (default: standard output).",
                    (c, v) -> c.out = (Path) v)
            .option(
                    "--refs",
                    "FILE",
                    Path.class,
                    null,
                    "Reference places (CSV or GeoJSON); default: the bundled GeoNames cities.",
                    (c, v) -> c.refs = (Path) v)
            .flag("--no-places", "Do not tag events with their nearest place.", (c, v) -> c.noPlaces = (Boolean) v)
            .flag("--skip-bad", BadRows.SKIP_HELP, (c, v) -> c.skipBad = (Boolean) v)
            .option(
                    "--threads",
                    "N",
                    int.class,
                    null,
                    "Worker threads (default: the number of cores).",
                    (c, v) -> c.threads = (Integer) v)
            // As process's chunk: the batch nearest search gains with the batch (NearestCpuTime: 1.5x at 16,384 rows
            // against 1,024 on clustered points), and the result no longer depends on the chunking (one fold in file
            // order).
            .option(
                    "--chunk",
                    "N",
                    int.class,
                    "16384",
                    "Events per parallel chunk (default: ${DEFAULT-VALUE}).",
                    (c, v) -> c.chunk = (Integer) v);

    private final Main main;
    private String input;
    private String by;
    private Path out;
    private Path refs;
    private boolean noPlaces;
    private boolean skipBad;
    private int threads = Runtime.getRuntime().availableProcessors();
    private int chunk;

    AggregateCommand(Main main) {
        this.main = main;
    }

    @Override
    public Integer call() {
        if (threads < 1 || chunk < 1) {
            throw new InvalidInputException(
                    "invalid_option", "--threads and --chunk must be at least 1", Map.of("field", "threads/chunk"));
        }
        Supplier<ReferenceSet> places = noPlaces ? null : references();
        // one pool of workers for the run: the chunks' scanning and tagging, then the rollups' formatting
        ExecutorService workers = BlockPipeline.workers(threads);
        try {
            var aggregation = new FileAggregation(places, workers, threads, chunk);
            Aggregator result;
            String source = "-".equals(input) ? "<stdin>" : input;
            var bad = new BadRows(source, skipBad);
            if ("-".equals(input)) {
                result = aggregation.aggregate(main.stdin, source, by, bad);
            } else {
                Path file = Path.of(input);
                try (InputStream in = Files.newInputStream(file)) {
                    result = aggregation.aggregate(in, input, by, bad);
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
            bad.report(main.stderr);
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
    private void train(Supplier<ReferenceSet> places, ExecutorService workers) {
        try {
            var aggregation = new FileAggregation(places, workers, threads, chunk);
            Aggregator result = aggregation.aggregate(
                    new ByteArrayInputStream(TrainingRows.events(places == null ? null : places.get())),
                    "<training>",
                    TrainingRows.KEY);
            RollupCsv.write(result, TrainingRows.KEY, OutputStream.nullOutputStream(), workers, threads);
        } catch (RuntimeException | OutOfMemoryError e) {
            // recorded from the user's events alone: later runs compile their loops later, nothing else (and a heap
            // too small for the made-up events must not turn the user's finished run into a failed one)
        }
    }

    /**
     * The places, asked for once the file is folded. A file of the user's is loaded here, first, so that its
     * errors come before the input is read. The bundled cities, which cannot be wrong, load on a thread of their
     * own while the file is read and folded: the fold is one thread, and the workers that scan for it leave part
     * of the other core idle. 1 M events, 18 pairs alternated with the cities loaded first: 0.684 s against 0.730 s
     * on average (BENCHMARKS.md).
     */
    private Supplier<ReferenceSet> references() {
        if (refs != null) {
            ReferenceSet set =
                    ReferenceSetReader.load(refs, ErrorPolicy.FAIL_FAST).set();
            return () -> set;
        }
        return Background.start("meridian-places", ReferenceSetReader::bundled);
    }
}
