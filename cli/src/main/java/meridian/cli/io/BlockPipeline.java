package meridian.cli.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import meridian.core.enrich.EnrichOptions;
import meridian.core.enrich.Enricher;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.RowError;
import meridian.server.json.ByteSink;
import meridian.server.json.PlaceText;
import meridian.server.json.RecordCodec;

/**
 * The CSV and NDJSON paths of {@code process}: the calling thread cuts the input into blocks of whole rows
 * ({@link RowBlocks}) and writes finished blocks in input order; a bounded pool of worker threads (one per
 * core) scans, enriches and formats whole blocks ({@link CsvChunk}, {@link JsonChunk}). Parsing and
 * formatting thus scale with the cores just as the nearest-place search does.
 *
 * <p>Memory is bounded: at most {@code threads + 1} blocks are in flight, each of at most
 * {@code chunkRows} rows and about {@link #BLOCK_BYTES} bytes, and their buffers are reused. Bad rows are
 * reported in input order, so the first bad row of the file is the one that stops a run, whichever worker
 * met it first.
 */
public final class BlockPipeline {
    /** Upper bound on the bytes of one block (a block ends earlier when it has {@code chunkRows} rows). */
    static final int BLOCK_BYTES = 2 << 20;

    private BlockPipeline() {}

    /**
     * The worker threads of one {@code process} run (daemons, one per core), shared by the block pipeline
     * and the JSON-array path's {@code Enricher.enrich}; the caller shuts them down.
     */
    public static ExecutorService workers(int threads) {
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "meridian-worker");
            t.setDaemon(true);
            return t;
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
        Supplier<Block> newBlock;
        if (csv) {
            blocks = RowBlocks.csv(in, bad.source());
            CsvLayout layout = blocks.layout();
            writeCsvHeader(layout, options.k(), options.regions() != null, out);
            var places = PlaceText.csv(refs);
            boolean failFast = !bad.skipping();
            newBlock = () -> new CsvChunk(layout, bad.source(), enricher, options, places, failFast);
        } else {
            blocks = RowBlocks.lines(in, bad.source());
            var codec = RecordCodec.forPlatformThreads();
            var places = codec.places(refs);
            newBlock = () -> new JsonChunk(bad.source(), codec, enricher, options, places);
        }
        int inFlight = threads + 1;
        var free = new ArrayDeque<Block>();
        for (int i = 0; i < inFlight; i++) {
            free.add(newBlock.get());
        }
        var pending = new ArrayDeque<Future<Block>>();
        long rows = 0;
        boolean more = true;
        while (true) {
            while (more && !free.isEmpty()) {
                Block b = free.poll();
                if (!blocks.next(b, chunkRows, BLOCK_BYTES)) {
                    more = false;
                    free.add(b);
                    break;
                }
                pending.add(pool.submit(() -> {
                    b.process();
                    return b;
                }));
            }
            if (pending.isEmpty()) {
                break;
            }
            Block done = await(pending.poll());
            for (RowError e : done.errors()) {
                bad.reject(e.line(), e.field(), e.reason());
            }
            bad.countUnlisted(done.errorCount() - done.errors().size());
            out.write(done.out.array(), 0, done.out.size());
            rows += done.goodRows();
            onChunk.accept(rows);
            free.add(done);
        }
        return rows;
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

    private static Block await(Future<Block> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
