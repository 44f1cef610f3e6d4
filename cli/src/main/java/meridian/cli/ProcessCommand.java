package meridian.cli;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import meridian.cli.io.BadRows;
import meridian.cli.io.BlockPipeline;
import meridian.cli.io.CountingInputStream;
import meridian.cli.io.Format;
import meridian.core.enrich.EnrichOptions;
import meridian.core.enrich.Enricher;
import meridian.core.enrich.Matches;
import meridian.core.enrich.RecordBatch;
import meridian.core.enrich.RegionLookup;
import meridian.core.error.ExitCode;
import meridian.core.error.NotFoundException;
import meridian.core.exec.Background;
import meridian.core.io.Input;
import meridian.core.refs.ReferenceSet;
import meridian.core.region.RegionIndex;
import meridian.core.region.Regions;
import meridian.core.text.ByteSink;
import meridian.server.AotTraining;
import meridian.server.json.PlaceText;
import meridian.server.json.RecordCodec;

/**
 * {@code meridian process}: enriches a CSV, NDJSON or JSON-array file with the nearest reference places,
 * streaming: a chunk of records is read, enriched in parallel, written, and the buffers are reused for
 * the next chunk, so memory depends on the chunk size, never on the input size.
 */
final class ProcessCommand implements Callable<Integer> {
    static final OptionTable<ProcessCommand> OPTIONS = OptionTable.<ProcessCommand>command(
                    "process",
                    false,
                    "Enrich a file of records with their nearest reference places.",
                    "",
                    "CSV: columns found by header (id, lat|latitude, lon|longitude required; the others pass through"
                            + " unchanged); each row gets nearest_id,nearest_name,distance_km (for -k N > 1:"
                            + " nearest_id_1,nearest_name_1,distance_km_1 ... distance_km_N); fields are empty when no"
                            + " place lies within --max-km.",
                    "NDJSON / JSON array: each record keeps all its fields, in order and as written, and gets"
                            + " \"nearest\": {\"id\",\"name\",\"distance_km\"} (null when none within --max-km; for"
                            + " -k N > 1 an array of them, maybe empty);"
                            + " coordinates from \"point\": {\"lat\",\"lon\"} or top-level lat/lon; \"payload\" values"
                            + " are multiplied by the nearest distance.",
                    "--country adds the columns country,country_name,country_km after the nearest-place ones (in JSON a"
                            + " \"country\": {\"alpha2\",\"alpha3\",\"name\",\"km\"} after \"nearest\", or null).",
                    "Distances are great-circle km with at least 6 decimals. Gzip input is detected; output is"
                            + " gzipped when --out ends in .gz.")
            .param("INPUT", true, "the input file, or - for standard input", (c, v) -> c.input = (String) v)
            .refs((c, v) -> c.refs = (String) v)
            .option(
                    "-o --out",
                    "FILE",
                    Path.class,
                    null,
                    "output file (gzipped if it ends in .gz); default: standard output",
                    (c, v) -> c.out = (Path) v)
            .option(
                    "-f --format",
                    "csv|ndjson|json",
                    Format.class,
                    null,
                    "input (and output) format; default: .csv, .ndjson or .jsonl by name, else by content ([ JSON array,"
                            + " { NDJSON, other CSV)",
                    (c, v) -> c.format = (Format) v)
            .option("-k", "N", int.class, "1", "report the N nearest places (default: 1)", (c, v) -> c.k = (Integer) v)
            .option(
                    "--max-km",
                    "D",
                    Double.class,
                    null,
                    "only places within D km count as near (default: no limit)",
                    (c, v) -> c.maxKm = (Double) v)
            .flag(
                    "--country",
                    "also the country holding each record (ISO alpha-2, name, km: 0 inside, the distance"
                            + " to the border within the territorial sea; empty or null when none)",
                    (c, v) -> c.country = (Boolean) v)
            .regions("--country", (c, v) -> c.regions = (Path) v, (c, v) -> c.seaKm = (Double) v)
            .flag("--skip-bad", BadRows.SKIP_HELP, (c, v) -> c.skipBad = (Boolean) v)
            .option(
                    "--chunk",
                    "ROWS",
                    int.class,
                    "16384",
                    "records per chunk (memory vs parallelism; default: ${DEFAULT-VALUE})",
                    (c, v) -> c.chunk = (Integer) v)
            .flag("--no-progress", "no progress bar, even on a terminal", (c, v) -> c.noProgress = (Boolean) v)
            .flag("-q --quiet", "no summary on standard error", (c, v) -> c.quiet = (Boolean) v);

    private final Main main;
    private String input;
    private String refs;
    private Path out;
    private Format format;
    private int k;
    private Double maxKm;
    private boolean country;
    private Path regions;
    private Double seaKm;
    private boolean skipBad;
    private int chunk;
    private boolean noProgress;
    private boolean quiet;

    ProcessCommand(Main main) {
        this.main = main;
    }

    @Override
    @SuppressWarnings("try") // the try-with-resources only closes the input file
    public Integer call() throws IOException {
        if (k < 1 || k > EnrichOptions.MAX_K) {
            throw OptionTable.usage("-k must be between 1 and " + EnrichOptions.MAX_K + ", got " + k);
        }
        if (maxKm != null && (maxKm.isNaN() || maxKm < 0)) {
            throw OptionTable.usage("--max-km must be a distance >= 0, got " + maxKm);
        }
        if (chunk < 1 || chunk > 1 << 20) {
            throw OptionTable.usage("--chunk must be between 1 and 1048576, got " + chunk);
        }
        if (!country && (regions != null || seaKm != null)) {
            throw OptionTable.usage("--regions and --sea-km only apply to --country");
        }
        var options = new EnrichOptions(k, maxKm == null ? Double.POSITIVE_INFINITY : maxKm);
        if (country) {
            RegionIndex countries = regions == null ? Regions.bundled() : Regions.load(regions);
            options = options.withRegions(
                    new RegionLookup(countries, seaKm == null ? RegionIndex.TERRITORIAL_SEA_KM : seaKm));
        }
        PrintStream err = main.stderr;
        boolean stdin = input.equals("-");
        String source = stdin ? "<stdin>" : input;
        long totalBytes = -1;
        if (!stdin) {
            Path p = Path.of(input);
            if (!Files.exists(p)) {
                throw new NotFoundException("file_not_found", "no such file: " + input, Map.of("file", input));
            }
            if (Files.isDirectory(p)) {
                throw new NotFoundException(
                        "file_not_found", input + " is a directory, not a file", Map.of("file", input));
            }
            totalBytes = Files.size(p);
        }

        long loadStart = System.nanoTime();
        ReferenceSet set = References.load(refs);
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;

        long start = System.nanoTime();
        var bad = new BadRows(source, skipBad);
        var raw = new CountingInputStream(stdin ? main.stdin : Files.newInputStream(Path.of(input)));
        Path tmp = null;
        boolean ok = false;
        long rows = 0;
        CountingInputStream plain;
        Format f;
        try (InputStream closeRaw = stdin ? null : raw) { // stdin stays open: it is not ours to close
            Input opened = Input.of(raw, source); // core's one rule: gzip, byte-order mark, format
            f = format != null ? format : Format.of(opened.format());
            plain = new CountingInputStream(opened.stream());
            OutputStream sinkStream;
            if (out == null) {
                sinkStream = new NonClosing(main.stdout);
            } else {
                Path target = out.toAbsolutePath();
                // A regular file is written next to the target and renamed at the end, so a failed run never
                // leaves a truncated result; a device or pipe (/dev/null, /dev/stdout, a FIFO) is written as is.
                boolean special = Files.exists(target) && !Files.isRegularFile(target);
                tmp = special ? null : target.resolveSibling("." + target.getFileName() + ".partial");
                try {
                    sinkStream = Files.newOutputStream(special ? target : tmp);
                } catch (IOException e) {
                    tmp = null;
                    String why =
                            switch (e) {
                                case NoSuchFileException x -> "no such directory";
                                case java.nio.file.AccessDeniedException x -> "permission denied";
                                default -> Main.message(e);
                            };
                    throw new IOException("cannot write " + out + ": " + why, e);
                }
                if (out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
                    sinkStream = new GZIPOutputStream(sinkStream, 1 << 16);
                }
            }
            // only the process's own stderr can be a terminal; in-process callers pass their own streams
            boolean bar = !noProgress && err == System.err && Progress.stderrIsTerminal();
            Progress progress = bar ? new Progress(err, totalBytes) : null;
            int threads = Runtime.getRuntime().availableProcessors();
            LongConsumer onChunk = progress == null ? n -> {} : n -> progress.update(n, raw.count());
            ExecutorService workers = BlockPipeline.workers(threads);
            try (OutputStream os = new BufferedOutputStream(sinkStream, 1 << 16)) {
                rows = switch (f) {
                    case CSV, NDJSON ->
                        BlockPipeline.run(
                                f == Format.CSV, plain, bad, options, set, os, chunk, workers, threads, onChunk);
                    case JSON -> streamJson(plain, bad, set, options, os, workers, threads, onChunk);
                };
            } finally {
                workers.shutdownNow();
                if (progress != null) {
                    progress.done();
                }
            }
            if (tmp != null) {
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            ok = true;
        } catch (NoSuchFileException e) {
            throw new NotFoundException(
                    "file_not_found", "no such file or directory: " + e.getFile(), Map.of("file", e.getFile()));
        } finally {
            if (!ok && tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
        double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        if (!quiet) {
            double mb = plain.count() / 1e6;
            err.printf(
                    Locale.ROOT,
                    "meridian: %,d rows, %.1f MB in %.2f s: %,.0f rows/s, %.1f MB/s (%s: %,d places, loaded in %.2f s)%n",
                    rows,
                    mb,
                    seconds,
                    rows / seconds,
                    mb / seconds,
                    set.name(),
                    set.size(),
                    loadSeconds);
        }
        bad.report(err);
        err.flush();
        if (AotTraining.recording() && rows < TrainingRows.ROWS) {
            train(set, options, f);
        }
        return ExitCode.OK;
    }

    /**
     * In the run that records the AOT cache, after fewer of the user's rows than {@link TrainingRows#ROWS}: the
     * same options over its made-up rows in the same format, the output discarded, so that the cache holds the hot
     * loops' compiles whatever the first file was (a larger first file has trained it on the user's own data). A
     * failure here only leaves the cache without them.
     */
    private void train(ReferenceSet set, EnrichOptions options, Format f) {
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService workers = BlockPipeline.workers(threads);
        try {
            var in = new ByteArrayInputStream(TrainingRows.points(set, f));
            var bad = new BadRows("<training>", true);
            OutputStream none = OutputStream.nullOutputStream();
            switch (f) {
                case CSV, NDJSON ->
                    BlockPipeline.run(f == Format.CSV, in, bad, options, set, none, chunk, workers, threads, n -> {});
                case JSON -> streamJson(in, bad, set, options, none, workers, threads, n -> {});
            }
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            // recorded from the user's rows alone: later runs compile their loops later, nothing else (and a heap
            // too small for the made-up rows must not turn the user's finished run into a failed one)
        } finally {
            workers.shutdownNow();
        }
    }

    /**
     * The JSON-array path: read a chunk on the calling thread, enrich it (in parallel when large), write it, repeat;
     * a chunk's writing runs on a worker while the next chunk is read and enriched, in two slots used in turn (the
     * reading and the writing were each a third of the calling thread's time, the workers mostly idle: 300,000
     * records near the cities, 8 alternated pairs, 0.37-0.50 s of work, median 0.40, against 0.50-0.62, median
     * 0.52). The array cut into blocks of whole elements for the workers to read, as CSV and NDJSON are, ran no
     * faster on two cores, which this keeps busy already (BENCHMARKS.md).
     */
    private long streamJson(
            InputStream in,
            BadRows bad,
            ReferenceSet set,
            EnrichOptions options,
            OutputStream os,
            Executor workers,
            int threads,
            LongConsumer onChunk)
            throws IOException {
        var codec = RecordCodec.forPlatformThreads();
        var reader = codec.arrayReader(in, bad.source());
        // made on a worker while the first chunk is read, as in the CSV and NDJSON paths (BlockPipeline); with the
        // text written from bytes too, 300,000 records near the cities, 6 alternated pairs: 0.45-0.51 s of work
        // against 0.54-0.75 s
        Supplier<PlaceText> places = Background.start(workers, () -> codec.places(set));
        var framing = new RecordCodec.ArrayFraming();
        var sink = new ByteSink(os);
        var enricher = new Enricher(set.index());
        boolean manyNearest = options.k() > 1;
        JsonSlot[] slots = {new JsonSlot(codec, options, chunk), new JsonSlot(codec, options, chunk)};
        Background<Void> writing = null; // the previous chunk's writing, the other slot's
        long rows = 0;
        framing.start(sink);
        try {
            for (int s = 0; ; s ^= 1) {
                JsonSlot slot = slots[s];
                if (!reader.read(slot.batch, slot.fields, chunk, bad::reject)) {
                    break;
                }
                enricher.enrich(slot.batch, options, slot.matches, workers, threads);
                if (writing != null) {
                    writing.get(); // in order, and its slot free for the next chunk
                }
                writing = Background.start(workers, () -> {
                    try {
                        codec.writeRecords(
                                sink, slot.fields, slot.batch, slot.matches, places.get(), manyNearest, framing);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return null;
                });
                rows += slot.batch.size();
                onChunk.accept(rows);
            }
            Background<Void> last = writing;
            writing = null;
            if (last != null) {
                last.get();
            }
        } catch (UncheckedIOException e) {
            throw e.getCause(); // the output's own failure, as the caller reports any write error
        } finally {
            if (writing != null) {
                awaitQuietly(writing); // a failure on the way: no write may outlive the output stream
            }
        }
        framing.finish(sink);
        sink.drain();
        return rows;
    }

    /** One chunk's records, answers and parsed fields: the JSON-array path reads one while it writes the other. */
    private static final class JsonSlot {
        final RecordBatch batch;
        final RecordCodec.Fields fields;
        final Matches matches = new Matches();

        JsonSlot(RecordCodec codec, EnrichOptions options, int chunk) {
            this.batch = new RecordBatch(chunk);
            this.fields = codec.fields();
            fields.replaceCountry(options.regions() != null);
        }
    }

    private static void awaitQuietly(Background<Void> writing) {
        try {
            writing.get();
        } catch (RuntimeException | Error e) {
            // the failure being thrown already says what went wrong
        }
    }

    /** Standard output must stay open after the command: only flush it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
