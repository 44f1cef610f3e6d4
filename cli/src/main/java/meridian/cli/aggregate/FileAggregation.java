package meridian.cli.aggregate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import meridian.cli.io.BlockPipeline;
import meridian.cli.io.RowBlocks;
import meridian.core.aggregate.Aggregator;
import meridian.core.enrich.EnrichOptions;
import meridian.core.enrich.Enricher;
import meridian.core.enrich.Matches;
import meridian.core.enrich.RecordBatch;
import meridian.core.io.Input;
import meridian.core.refs.ReferenceSet;

/**
 * Per-key rollups of an event file, streaming and parallel: the file is cut into chunks of at most
 * {@code chunkSize} events (CSV: blocks of rows scanned on the workers, {@link EventBlock}; JSON: parsed on
 * the reading thread); each chunk is tagged with nearest places and aggregated into its own
 * {@link Aggregator} on a worker; the partial aggregates are merged on the reading thread in file order.
 *
 * <p>Memory is bounded: at most {@code 2 * threads} chunks are in flight, whatever the file size; the
 * result holds one aggregate per key. Merging in file order keeps the output identical from run to run
 * (and count, min, max, first/last and last place identical for any chunking; see
 * {@link meridian.core.aggregate.UserAggregate}).
 */
public final class FileAggregation {
    private final ReferenceSet places;
    private final Enricher enricher;
    private final int threads;
    private final int chunkSize;

    /** {@code places} may be null: then no nearest place is computed. */
    public FileAggregation(ReferenceSet places, int threads, int chunkSize) {
        this.places = places;
        this.enricher = places == null ? null : new Enricher(places.index());
        this.threads = Math.max(1, threads);
        this.chunkSize = Math.max(1, chunkSize);
    }

    /** Reads {@code in} to the end and returns the rollup per value of {@code keyColumn}. */
    public Aggregator aggregate(InputStream in, String source, String keyColumn) {
        Input input;
        try {
            input = Input.of(in, source);
        } catch (IOException e) {
            throw EventReader.unreadable(source, e);
        }
        ExecutorService pool = BlockPipeline.workers(threads);
        try {
            return input.format() == Input.Format.CSV
                    ? aggregateCsv(input, source, keyColumn, pool)
                    : aggregateRecords(input, source, keyColumn, pool);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * CSV: the block-scanning path of {@code process} ({@link BlockPipeline}), blocks of at most
     * {@code chunkSize} rows, each folded into its own aggregator on a worker, merged here in file order.
     */
    private Aggregator aggregateCsv(Input input, String source, String keyColumn, ExecutorService pool) {
        Aggregator total = new Aggregator(1024);
        try {
            RowBlocks rows = RowBlocks.csvRows(input.stream(), source);
            byte[] header = rows.header() == null ? new byte[0] : rows.header();
            var csv = new EventReader.Csv(
                    new InputStreamReader(new ByteArrayInputStream(header), StandardCharsets.UTF_8),
                    source,
                    keyColumn);
            boolean withPlaces = enricher != null && csv.hasCoordinates;
            BlockPipeline.stream(
                    rows, () -> new EventBlock(csv, this, withPlaces, chunkSize), chunkSize, pool, threads, b -> {
                        if (b.failure != null) {
                            throw b.failure;
                        }
                        total.merge(b.result);
                        b.result = null;
                    });
            return total;
        } catch (IOException e) {
            throw EventReader.unreadable(source, e);
        }
    }

    /** NDJSON and JSON arrays: parsed into chunks on the reading thread, aggregated on the workers. */
    private Aggregator aggregateRecords(Input input, String source, String keyColumn, ExecutorService pool) {
        Aggregator total = new Aggregator(1024);
        var inFlight = new ArrayDeque<Future<Aggregator>>();
        try (EventReader reader = EventReader.open(input, source, keyColumn)) {
            while (true) {
                EventChunk chunk = new EventChunk(chunkSize);
                if (!reader.fill(chunk)) {
                    break;
                }
                boolean withPlaces = enricher != null && reader.hasCoordinates;
                inFlight.add(pool.submit(() -> aggregateChunk(chunk, withPlaces)));
                if (inFlight.size() >= 2 * threads) {
                    total.merge(await(inFlight.poll()));
                }
            }
            while (!inFlight.isEmpty()) {
                total.merge(await(inFlight.poll()));
            }
            return total;
        } finally {
            inFlight.forEach(f -> f.cancel(true));
        }
    }

    /** Tags the chunk's events with their nearest places (when asked) and folds them into a new aggregator. */
    Aggregator aggregateChunk(EventChunk c, boolean withPlaces) {
        var agg = new Aggregator(256);
        Matches matches = null;
        if (withPlaces) {
            var batch = new RecordBatch(c.size);
            for (int i = 0; i < c.size; i++) {
                batch.add(c.id[i], c.lat[i], c.lon[i]);
            }
            matches = new Matches();
            matches.reset(c.size, 1);
            enricher.enrichRange(batch, 0, c.size, EnrichOptions.NEAREST, matches);
        }
        for (int i = 0; i < c.size; i++) {
            if (matches != null && matches.count(i) > 0) {
                int p = matches.place(i, 0);
                agg.add(
                        c.key[i],
                        c.id[i],
                        c.value[i],
                        c.tsMicros[i],
                        c.ts[i],
                        places.id(p),
                        places.placeName(p),
                        matches.distanceKm(i, 0));
            } else {
                agg.add(c.key[i], c.id[i], c.value[i], c.tsMicros[i], c.ts[i], null, null, Double.NaN);
            }
        }
        return agg;
    }

    private static Aggregator await(Future<Aggregator> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
