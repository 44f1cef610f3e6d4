package meridian.core.enrich;

import java.util.concurrent.Executor;
import meridian.core.exec.ParallelRun;
import meridian.core.index.NearestIndex;
import meridian.core.index.Neighbors;
import meridian.core.index.Searcher;
import meridian.core.region.RegionLocator;

/**
 * Tags each record of a batch with its nearest reference places and, when the record carries a payload,
 * multiplies every payload value by the distance in km to the nearest place (the reference design's
 * semantics). A record with no place within {@code maxKm} keeps its payload unchanged. When the options ask
 * for it, the same pass also finds the country holding each record (a {@link RegionLocator} per thread).
 *
 * <p>Immutable and thread-safe. Small batches run on the caller's thread; batches of at least
 * {@link #PARALLEL_THRESHOLD} records are shared between the caller and one helper per other core.
 */
public final class Enricher {
    /**
     * Below this many records, splitting costs more than it saves. EnrichThresholdBenchmark on 2 cores: with
     * the two-place set, splitting loses at 1,024 records (87 vs 81 us) and wins at 2,048 (156 vs 182 us);
     * with the cities set it already wins at 1,024 (521 vs 636 us). The cheaper set decides.
     */
    public static final int PARALLEL_THRESHOLD = 2048;

    private final NearestIndex index;

    public Enricher(NearestIndex index) {
        this.index = index;
    }

    public NearestIndex index() {
        return index;
    }

    /**
     * Enriches the whole batch with up to {@code parallelism} threads: the caller and helpers on
     * {@code executor} claiming chunks (a {@link ParallelRun}), when the batch holds at least
     * {@link #PARALLEL_THRESHOLD} records; below that, on the caller's thread alone.
     */
    public void enrich(RecordBatch batch, EnrichOptions options, Matches out, Executor executor, int parallelism) {
        int n = batch.size();
        out.reset(n, options);
        if (n < PARALLEL_THRESHOLD || parallelism <= 1) {
            enrichRange(batch, 0, n, options, out);
            return;
        }
        int chunk = Math.max(256, n / (parallelism * 8));
        try (ParallelRun run = ParallelRun.start(
                n, chunk, parallelism - 1, executor, (from, to) -> enrichRange(batch, from, to, options, out))) {
            run.help();
            run.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while enriching", e);
        }
    }

    /**
     * Enriches records {@code [from, to)} on the calling thread. {@code out} must have been
     * {@link Matches#reset reset} for the batch; disjoint ranges may run concurrently. A caller that enriches
     * range after range on one thread keeps a {@link #cursor()} instead.
     */
    public void enrichRange(RecordBatch batch, int from, int to, EnrichOptions options, Matches out) {
        new Cursor().enrichRange(batch, from, to, options, out);
    }

    /** A cursor for one thread at a time, to enrich range after range with the same scratch space. */
    public Cursor cursor() {
        return new Cursor();
    }

    /**
     * Enriches ranges on one thread at a time, keeping its search state and scratch arrays from one range to
     * the next: a new searcher and copies of each range's coordinates and answers were 42 bytes a row of
     * short-lived garbage in {@code process} (async-profiler's allocation count, 1 M rows in blocks of 16,384),
     * 42 MB a million rows for the young collections to sweep and, at the start, for the kernel to zero.
     */
    public final class Cursor {
        private final Searcher searcher = index.searcher();
        private Neighbors neighbors;

        private Cursor() {}

        /** As {@link Enricher#enrichRange}, on this cursor's thread. */
        public void enrichRange(RecordBatch batch, int from, int to, EnrichOptions options, Matches out) {
            if (options.regions() != null) {
                locateRange(batch, from, to, options.regions(), out);
            }
            double[] payload = batch.payloadValues();
            if (options.isPlainNearest() && out.k() == 1) {
                // the batch search answers the range in a cache-friendly order (Searcher#nearest(double[], ...)),
                // from the batch's columns straight into the answers' (one slot a record when k is 1)
                searcher.nearest(batch.lats(), batch.lons(), from, to, out.places(), out.distances());
                for (int i = from; i < to; i++) {
                    out.setCount(i, 1);
                    scale(payload, batch.payloadStart(i), batch.payloadEnd(i), out.distanceKm(i, 0));
                }
                return;
            }
            if (neighbors == null) {
                neighbors = new Neighbors();
            }
            for (int i = from; i < to; i++) {
                int found = searcher.nearest(batch.lat(i), batch.lon(i), options.k(), options.maxKm(), neighbors);
                for (int j = 0; j < found; j++) {
                    out.set(i, j, neighbors.index(j), neighbors.distanceKm(j));
                }
                out.setCount(i, found);
                if (found > 0) {
                    scale(payload, batch.payloadStart(i), batch.payloadEnd(i), neighbors.distanceKm(0));
                }
            }
        }
    }

    /** The country of each record of the range, with one locator for the range (as one searcher). */
    private static void locateRange(RecordBatch batch, int from, int to, RegionLookup regions, Matches out) {
        RegionLocator locator = regions.locator();
        for (int i = from; i < to; i++) {
            int u = locator.locate(batch.lat(i), batch.lon(i));
            out.setUnit(i, u, locator.distanceKm());
        }
    }

    private static void scale(double[] payload, int from, int to, double factor) {
        for (int j = from; j < to; j++) {
            payload[j] *= factor;
        }
    }
}
