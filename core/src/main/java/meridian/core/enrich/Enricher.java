package meridian.core.enrich;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import meridian.core.index.NearestIndex;
import meridian.core.index.Neighbors;
import meridian.core.index.Searcher;

/**
 * Tags each record of a batch with its nearest reference places and, when the record carries a payload,
 * multiplies every payload value by the distance in km to the nearest place (the reference design's
 * semantics). A record with no place within {@code maxKm} keeps its payload unchanged.
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

    /** Enriches the whole batch, in parallel on the common pool when it is large. */
    public void enrich(RecordBatch batch, EnrichOptions options, Matches out) {
        enrich(
                batch,
                options,
                out,
                ForkJoinPool.commonPool(),
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * Enriches the whole batch with up to {@code parallelism} threads: the caller and helpers submitted to
     * {@code pool}, all claiming chunks from a shared counter, when the batch holds at least
     * {@link #PARALLEL_THRESHOLD} records. A helper that has not started by the time the caller ran out of
     * chunks is called off rather than waited for, so a busy pool or a slow wake-up never costs more than
     * running alone would.
     */
    public void enrich(RecordBatch batch, EnrichOptions options, Matches out, ExecutorService pool, int parallelism) {
        int n = batch.size();
        out.reset(n, options.k());
        if (n < PARALLEL_THRESHOLD || parallelism <= 1) {
            enrichRange(batch, 0, n, options, out);
            return;
        }
        int chunk = Math.max(256, n / (parallelism * 8));
        AtomicInteger next = new AtomicInteger();
        Helper[] helpers = new Helper[parallelism - 1];
        Future<?>[] futures = new Future<?>[helpers.length];
        for (int h = 0; h < helpers.length; h++) {
            helpers[h] = new Helper(() -> claimChunks(batch, options, out, next, chunk));
            futures[h] = pool.submit(helpers[h]);
        }
        try {
            claimChunks(batch, options, out, next, chunk);
        } finally {
            for (int h = 0; h < helpers.length; h++) {
                if (!helpers[h].callOff()) {
                    await(futures[h]);
                }
            }
        }
    }

    private void claimChunks(RecordBatch batch, EnrichOptions options, Matches out, AtomicInteger next, int chunk) {
        int n = batch.size();
        for (int from = next.getAndAdd(chunk); from < n; from = next.getAndAdd(chunk)) {
            enrichRange(batch, from, Math.min(n, from + chunk), options, out);
        }
    }

    /** A helper's run, which the caller can call off as long as it has not started. */
    private static final class Helper implements Runnable {
        private static final int WAITING = 0, RUNNING = 1, CALLED_OFF = 2;
        private final AtomicInteger state = new AtomicInteger(WAITING);
        private final Runnable work;

        Helper(Runnable work) {
            this.work = work;
        }

        @Override
        public void run() {
            if (state.compareAndSet(WAITING, RUNNING)) {
                work.run();
            }
        }

        /** True if the helper will never touch the batch; false if it started and must be awaited. */
        boolean callOff() {
            return state.compareAndSet(WAITING, CALLED_OFF);
        }
    }

    /**
     * Enriches records {@code [from, to)} on the calling thread. {@code out} must have been
     * {@link Matches#reset reset} for the batch; disjoint ranges may run concurrently.
     */
    public void enrichRange(RecordBatch batch, int from, int to, EnrichOptions options, Matches out) {
        Searcher searcher = index.searcher();
        double[] payload = batch.payloadValues();
        if (options.isPlainNearest()) {
            // the batch search answers the range in a cache-friendly order (Searcher#nearest(double[], ...))
            int n = to - from;
            double[] lat = new double[n];
            double[] lon = new double[n];
            for (int j = 0; j < n; j++) {
                lat[j] = batch.lat(from + j);
                lon[j] = batch.lon(from + j);
            }
            int[] places = new int[n];
            double[] kms = new double[n];
            searcher.nearest(lat, lon, 0, n, places, kms);
            for (int j = 0; j < n; j++) {
                int i = from + j;
                out.set(i, 0, places[j], kms[j]);
                out.setCount(i, 1);
                scale(payload, batch.payloadStart(i), batch.payloadEnd(i), kms[j]);
            }
            return;
        }
        Neighbors neighbors = new Neighbors();
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

    private static void scale(double[] payload, int from, int to, double factor) {
        for (int j = from; j < to; j++) {
            payload[j] *= factor;
        }
    }

    private static void await(Future<?> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true; // the helper is writing into the caller's batch: wait for it regardless
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
