package meridian.cli.aggregate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import meridian.cli.io.BadRows;
import meridian.cli.io.BlockPipeline;
import meridian.cli.io.RowBlocks;
import meridian.core.aggregate.Aggregator;
import meridian.core.aggregate.UserAggregate;
import meridian.core.enrich.EnrichOptions;
import meridian.core.enrich.Enricher;
import meridian.core.enrich.Matches;
import meridian.core.enrich.RecordBatch;
import meridian.core.exec.ParallelRun;
import meridian.core.io.Input;
import meridian.core.refs.ReferenceSet;

/**
 * Per-key rollups of an event file, streaming and parallel: the file is cut into chunks of at most
 * {@code chunkSize} events (CSV: blocks of rows scanned on the workers, {@link EventBlock}; NDJSON: blocks of
 * lines read on the workers, {@link NdjsonBlock}; a JSON array: element by element on the reading thread), whose
 * events are folded into the one {@link Aggregator} on the reading thread in file order. Then, with places, the
 * nearest place of each key's last event, in parallel batches.
 *
 * <p>Only the last event's place is part of a rollup, so only it is searched for: each aggregate keeps its
 * last event's point while the file is read ({@link UserAggregate#addAt}), and the search runs once per key at
 * the end instead of once per event. 1 M events over 50,000 keys with the bundled cities, alternated with the
 * search per event: 1.16-1.41 s against 1.48-1.85 s, 2.1-2.6 CPU-s against 2.8-3.3 (BENCHMARKS.md).
 *
 * <p>Memory is bounded: at most {@code 2 * threads} chunks are in flight, whatever the file size; the
 * result holds one aggregate per key. Folding every event in file order on one thread makes the output
 * that of a single pass, identical from run to run and for any chunking or thread count. (Folding per
 * chunk and merging the partial aggregates cost more: 0.9 M partial aggregates made, merged and collected
 * for 1 M events over 50,000 keys with chunks of 8,192, the reading thread's hash lookups included.)
 */
public final class FileAggregation {
    private final Supplier<ReferenceSet> places;
    private final ExecutorService pool;
    private final int threads;
    private final int chunkSize;

    /**
     * {@code places} may be null: then no nearest place is computed. They are asked for only once the file is
     * folded, when the keys' last events are placed, so they may still be loading until then. {@code pool} has
     * {@code threads} workers ({@link BlockPipeline#workers}); the caller owns it and shuts it down.
     */
    public FileAggregation(Supplier<ReferenceSet> places, ExecutorService pool, int threads, int chunkSize) {
        this.places = places;
        this.pool = pool;
        this.threads = Math.max(1, threads);
        this.chunkSize = Math.max(1, chunkSize);
    }

    /** Reads {@code in} to the end and returns the rollup per value of {@code keyColumn}; a bad row stops the run. */
    public Aggregator aggregate(InputStream in, String source, String keyColumn) {
        return aggregate(in, source, keyColumn, new BadRows(source, false));
    }

    /**
     * Reads {@code in} to the end and returns the rollup per value of {@code keyColumn}. A bad row stops the
     * run, or (when {@code bad} is skipping) is counted in {@code bad} and left out.
     */
    public Aggregator aggregate(InputStream in, String source, String keyColumn, BadRows bad) {
        Input input;
        try {
            input = Input.of(in, source);
        } catch (IOException e) {
            throw EventReader.unreadable(source, e);
        }
        return switch (input.format()) {
            case CSV -> aggregateCsv(input, source, keyColumn, bad);
            case JSON_OBJECTS -> aggregateNdjson(input, source, keyColumn, bad);
            case JSON_ARRAY -> aggregateRecords(input, source, keyColumn, bad);
        };
    }

    /**
     * CSV: the block-scanning path of {@code process} ({@link BlockPipeline}), blocks of at most
     * {@code chunkSize} rows, scanned on the workers, folded here in file order.
     */
    private Aggregator aggregateCsv(Input input, String source, String keyColumn, BadRows bad) {
        Aggregator total = new Aggregator(1024);
        try {
            RowBlocks rows = RowBlocks.csvRows(input.stream(), source);
            byte[] header = rows.header() == null ? new byte[0] : rows.header();
            var csv = new EventReader.Csv(
                    new InputStreamReader(new ByteArrayInputStream(header), StandardCharsets.UTF_8), source, keyColumn);
            boolean withPlaces = places != null && csv.hasCoordinates;
            var keys = new KeyTable(total);
            boolean skip = bad.skipping();
            BlockPipeline.stream(rows, () -> new EventBlock(csv, chunkSize, skip), chunkSize, pool, threads, b -> {
                if (b.failure != null) {
                    throw b.failure;
                }
                if (skip) {
                    bad.skipped(b.skipped, b.skippedCount);
                }
                fold(total, keys, b.bytes(), b.events(), withPlaces);
            });
            if (withPlaces) {
                placeLastEvents(total);
            }
            return total;
        } catch (IOException e) {
            throw EventReader.unreadable(source, e);
        }
    }

    /**
     * NDJSON: blocks of lines ({@link BlockPipeline}, as for CSV), each line read on the workers
     * ({@link NdjsonBlock}), then checked, put into a chunk and folded here in file order. Blocks of
     * {@link #NDJSON_BLOCK_LINES}: what a line leaves (strings, numbers, a tree for an unusual one) lives until its
     * block is folded. A million events: blocks of 512 lines 1.82-2.03 s, 1,024 1.59-1.74, 2,048 1.31-1.41,
     * 4,096 1.34-1.44, 8,192 1.46-1.56, 16,384 1.43; read line by line on this thread 1.62-1.79 (BENCHMARKS.md).
     */
    private Aggregator aggregateNdjson(Input input, String source, String keyColumn, BadRows bad) {
        Aggregator total = new Aggregator(1024);
        try (var reader = new EventReader.Ndjson(null, source, keyColumn)) {
            reader.skipping(bad);
            EventChunk c = new EventChunk(chunkSize);
            RowBlocks lines = RowBlocks.lines(input.stream(), source);
            BlockPipeline.stream(
                    lines, () -> new NdjsonBlock(source, keyColumn), NDJSON_BLOCK_LINES, pool, threads, b -> {
                        for (int i = 0; i < b.count(); i++) {
                            reader.putRead(c, b, i);
                            if (c.isFull()) {
                                fold(total, null, null, c, places != null && reader.hasCoordinates);
                                c.clear();
                            }
                        }
                    });
            fold(total, null, null, c, places != null && reader.hasCoordinates);
            if (places != null && reader.hasCoordinates) {
                placeLastEvents(total);
            }
            return total;
        } catch (IOException e) {
            throw EventReader.unreadable(source, e);
        }
    }

    private static final int NDJSON_BLOCK_LINES = 2048;

    /** JSON arrays: parsed into chunks and folded on the reading thread. */
    private Aggregator aggregateRecords(Input input, String source, String keyColumn, BadRows bad) {
        Aggregator total = new Aggregator(1024);
        try (EventReader reader = EventReader.open(input, source, keyColumn).skipping(bad)) {
            EventChunk c = new EventChunk(chunkSize);
            while (reader.fill(c)) {
                fold(total, null, null, c, places != null && reader.hasCoordinates);
                c.clear();
            }
            if (places != null && reader.hasCoordinates) {
                placeLastEvents(total);
            }
            return total;
        }
    }

    /**
     * Sets the nearest place of each key's last event, searched in batches of {@code chunkSize} points on the
     * workers and the calling thread.
     */
    private void placeLastEvents(Aggregator total) {
        ReferenceSet set = places.get();
        var enricher = new Enricher(set.index());
        var last = new ArrayList<UserAggregate>(total.size());
        for (UserAggregate a : total.aggregates()) {
            if (!Double.isNaN(a.lastLat())) {
                last.add(a);
            }
        }
        ParallelRun.Kernel search = (from, to) -> {
            var batch = new RecordBatch(to - from);
            var matches = new Matches();
            for (int i = from; i < to; i++) {
                UserAggregate a = last.get(i);
                batch.add(a.lastEventId(), a.lastLat(), a.lastLon());
            }
            matches.reset(to - from, 1);
            enricher.enrichRange(batch, 0, to - from, EnrichOptions.NEAREST, matches);
            for (int i = from; i < to; i++) {
                int m = i - from;
                boolean found = matches.count(m) > 0;
                last.get(i)
                        .placeLast(
                                found ? set : null,
                                found ? matches.place(m, 0) : -1,
                                found ? matches.distanceKm(m, 0) : Double.NaN);
            }
        };
        try (ParallelRun run = ParallelRun.start(last.size(), chunkSize, threads - 1, pool, search)) {
            run.help();
            run.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Folds the events of {@code c} into {@code total}, in order, with their points when {@code withPlaces};
     * keys left in a block's bytes are
     * found through {@code keys} (null for chunks whose keys are all strings). Every event of the file is folded
     * on the one reading thread in file order, so the result is that of one pass over the file whatever the
     * chunking or the number of threads (sum, mean and variance included, to the last bit).
     */
    void fold(Aggregator total, KeyTable keys, byte[] bytes, EventChunk c, boolean withPlaces) {
        for (int from = 0; from < c.size; from += TOUCH_EVENTS) {
            int to = Math.min(c.size, from + TOUCH_EVENTS);
            if (keys != null) {
                int t = 0;
                for (int i = from; i < to; i++) {
                    if (c.key[i] == null) {
                        t += keys.touch(c.keyHash[i]);
                    }
                }
                touched += t;
            }
            foldRange(total, keys, bytes, c, from, to, withPlaces);
        }
    }

    /**
     * Events whose keys are fetched into the cache ({@link KeyTable#touch}) before they are folded. The fold
     * runs on the one reading thread, and with 50,000 keys its table and aggregates (several MB) miss the
     * L2 cache on most events: KeyTable.get and the first touch of the aggregate were ~9% of the CPU of
     * `aggregate --no-places` on 1 M events (async-profiler). Alternated against the same build without it
     * (three pairs, load 4.3-4.7): wall 3.01 / 3.15 / 2.16 s against 3.86 / 3.70 / 2.40 s.
     */
    private static final int TOUCH_EVENTS = 32;

    private int touched; // the touched values' sum, kept so that the JIT keeps the reads

    private void foldRange(
            Aggregator total, KeyTable keys, byte[] bytes, EventChunk c, int from, int to, boolean withPlaces) {
        for (int i = from; i < to; i++) {
            String key = c.key[i];
            UserAggregate a = key != null ? total.of(key) : keys.get(bytes, c.keyStart[i], c.keyEnd[i], c.keyHash[i]);
            if (withPlaces) {
                a.addAt(c.id[i], c.value[i], c.tsMicros[i], c.ts[i], c.lat[i], c.lon[i]);
            } else {
                a.add(c.id[i], c.value[i], c.tsMicros[i], c.ts[i], null, -1, Double.NaN);
            }
        }
    }
}
