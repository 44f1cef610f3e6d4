package meridian.cli.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import meridian.core.enrich.EnrichOptions;
import meridian.core.enrich.Enricher;
import meridian.core.exec.Background;
import meridian.core.exec.ParallelRun;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.RowError;
import meridian.core.text.ByteSink;
import meridian.server.json.PlaceText;
import meridian.server.json.RecordCodec;

/**
 * The block-scanning streaming path of {@code process} (CSV and NDJSON) and {@code aggregate} (CSV): the
 * calling thread cuts the input into blocks of whole rows ({@link RowBlocks}); the blocks' work
 * ({@link Block#process}: scan, parse, enrich, format or fold) runs on core's one parallel runner,
 * {@link ParallelRun}, one block per chunk, with helpers on the given executor; the finished blocks come
 * back to the calling thread in input order ({@link Drain}). Parsing and formatting thus scale with the
 * cores just as the nearest-place search does.
 *
 * <p>Blocks go in waves of {@code threads}: while wave {@code k} runs, the calling thread reads wave
 * {@code k + 1} and starts it (its helpers queue behind those of wave {@code k}, so a core freed by wave
 * {@code k} goes on with {@code k + 1} at once), then helps with and joins wave {@code k}, drains it in
 * order and refills its blocks. Memory is bounded: two waves, {@code 2 * threads} blocks, are all there
 * is, each of at most {@code chunkRows} rows and about {@link #BLOCK_BYTES} bytes, and their buffers are
 * reused. Bad rows are reported in input order, so the first bad row of the file is the one that stops a
 * run, whichever worker met it first, or a row that cannot be cut (too long) when it is first.
 */
public final class BlockPipeline {
    /** Upper bound on the bytes of one block (a block ends earlier when it has {@code chunkRows} rows). */
    public static final int BLOCK_BYTES = 2 << 20;

    private BlockPipeline() {}

    /** Takes finished blocks on the calling thread, in input order. */
    @FunctionalInterface
    public interface Drain<B extends Block> {
        void accept(B block) throws IOException;
    }

    /**
     * The worker threads of one {@code process} or {@code aggregate} run (daemons, one per core), shared by
     * the block pipeline and the JSON-array path's {@code Enricher.enrich}; the caller shuts them down.
     */
    public static ExecutorService workers(int threads) {
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "meridian-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs every block of {@code rows} through {@link Block#process} with {@code threads} helpers on
     * {@code pool} (which must have {@code threads} threads) and the calling thread, and hands the blocks to
     * {@code drain} in input order. {@code newBlock} makes the {@code 2 * threads} reused blocks.
     */
    public static <B extends Block> void stream(
            RowBlocks rows, Supplier<B> newBlock, int chunkRows, Executor pool, int threads, Drain<B> drain)
            throws IOException {
        int wave = Math.max(1, threads);
        List<B> current = new ArrayList<>(wave);
        List<B> next = new ArrayList<>(wave);
        for (int i = 0; i < wave; i++) {
            current.add(newBlock.get());
            next.add(newBlock.get());
        }
        var reading = new Reading(rows, chunkRows);
        int n = reading.fill(current);
        ParallelRun running = start(current, n, pool, threads);
        ParallelRun queued = null;
        try {
            while (running != null) {
                int m = reading.fill(next); // read the next wave while this one runs
                queued = start(next, m, pool, threads);
                running.help();
                running.join();
                running.close();
                running = null;
                for (int i = 0; i < n; i++) {
                    drain.accept(current.get(i));
                }
                List<B> t = current;
                current = next;
                next = t;
                n = m;
                running = queued;
                queued = null;
            }
            reading.rethrow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            // a failure: stop both waves and wait until no helper touches the blocks any more
            if (running != null) {
                running.close();
            }
            if (queued != null) {
                queued.close();
            }
        }
    }

    /**
     * The calling thread's reading of {@code rows} into blocks. A failure to cut the input (a read error, a row
     * too long to cut) is kept, not thrown, so that it comes after the bad rows of the blocks read before it:
     * {@link #fill} gives those blocks and then no more, and {@link #rethrow} throws it once they are drained.
     * (Thrown at once, it overtook a bad row of the wave being scanned, and of its own wave's first blocks.)
     */
    private static final class Reading {
        private final RowBlocks rows;
        private final int chunkRows;
        private Exception failure;

        Reading(RowBlocks rows, int chunkRows) {
            this.rows = rows;
            this.chunkRows = chunkRows;
        }

        /** Fills up to {@code blocks.size()} blocks; returns how many hold rows (none after a failure). */
        int fill(List<? extends Block> blocks) {
            int n = 0;
            try {
                while (failure == null && n < blocks.size() && rows.next(blocks.get(n), chunkRows, BLOCK_BYTES)) {
                    n++;
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
            return n;
        }

        void rethrow() throws IOException {
            // tests, not a switch on the type: a type switch is linked at its first run by a bootstrap that spins
            // classes, ~2 ms of every short run (wall profile of `aggregate` on a header-only file)
            if (failure instanceof IOException e) {
                throw e;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
        }
    }

    private static ParallelRun start(List<? extends Block> blocks, int n, Executor pool, int threads) {
        if (n == 0) {
            return null;
        }
        return ParallelRun.start(n, 1, threads, pool, (from, to) -> {
            for (int i = from; i < to; i++) {
                blocks.get(i).process();
            }
        });
    }

    /**
     * Enriches CSV ({@code csv}) or NDJSON from {@code in} to {@code out} on {@code workers}; returns the
     * number of rows written.
     */
    public static long run(
            boolean csv,
            InputStream in,
            BadRows bad,
            EnrichOptions options,
            ReferenceSet refs,
            OutputStream out,
            int chunkRows,
            ExecutorService pool,
            int threads,
            LongConsumer onChunk)
            throws IOException {
        var enricher = new Enricher(refs.index());
        RowBlocks blocks;
        Supplier<OutputBlock> newBlock;
        if (csv) {
            blocks = RowBlocks.csv(in, bad.source());
            CsvLayout layout = blocks.layout();
            writeCsvHeader(layout, options.k(), options.regions() != null, out);
            // the places' text (199,568 cities: 18-20 ms, 3% of a 1 M-row run) is made on a worker while the first
            // blocks are read, scanned and searched; the first block to write waits for it if it must. 1 M rows
            // near the cities, 10 alternated pairs: printed MB/s median 1.03x the text made first (BENCHMARKS.md)
            Supplier<PlaceText> places = Background.start(pool, () -> PlaceText.csv(refs));
            boolean failFast = !bad.skipping();
            newBlock = () -> new CsvChunk(layout, bad.source(), enricher, options, places, failFast);
        } else {
            blocks = RowBlocks.lines(in, bad.source());
            var codec = RecordCodec.forPlatformThreads();
            // as for CSV, the places' JSON text made on a worker while the first blocks are read: with that text
            // written from bytes (PlaceText.buildJson), 1 M NDJSON rows near the cities, 10 alternated pairs: wall
            // median 0.84 s against 0.95 s, printed 113-127 MB/s against 88-113 (BENCHMARKS.md)
            Supplier<PlaceText> places = Background.start(pool, () -> codec.places(refs));
            newBlock = () -> new JsonChunk(bad.source(), codec, enricher, options, places);
        }
        long[] rows = {0};
        stream(blocks, newBlock, chunkRows, pool, threads, done -> {
            for (RowError e : done.errors()) {
                bad.reject(e.line(), e.field(), e.reason());
            }
            bad.countUnlisted(done.errorCount() - done.errors().size());
            out.write(done.out.array(), 0, done.out.size());
            rows[0] += done.goodRows();
            onChunk.accept(rows[0]);
        });
        return rows[0];
    }

    private static void writeCsvHeader(CsvLayout layout, int k, boolean country, OutputStream out) throws IOException {
        var header = new ByteSink(out);
        header.put(layout.headerBytes());
        if (k == 1) {
            header.putAscii(",nearest_id,nearest_name,distance_km");
        } else {
            for (int j = 1; j <= k; j++) {
                header.putAscii(",nearest_id_" + j + ",nearest_name_" + j + ",distance_km_" + j);
            }
        }
        if (country) {
            header.putAscii(",country,country_name,country_km");
        }
        header.put((byte) '\n');
        header.drain();
    }
}
