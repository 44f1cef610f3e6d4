package meridian.core.enrich;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import meridian.core.index.NearestIndex;
import meridian.core.index.Neighbors;
import meridian.core.index.Searcher;

/**
 * Tags each record of a batch with its nearest reference places and, when the record carries a payload,
 * multiplies every payload value by the distance in km to the nearest place (the reference design's
 * semantics). A record with no place within {@code maxKm} keeps its payload unchanged.
 *
 * <p>Immutable and thread-safe. Small batches run on the caller's thread; batches of at least
 * {@link #PARALLEL_THRESHOLD} records are split into one chunk per core.
 */
public final class Enricher {
    /**
     * Below this many records, splitting costs more than it saves (enrich_threshold benchmark on 2 cores:
     * a 2-place set breaks even near 2,000 records; the cities set near 500).
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
     * Enriches the whole batch, splitting it into up to {@code parallelism} chunks on {@code pool} when it
     * holds at least {@link #PARALLEL_THRESHOLD} records. The caller's thread runs one chunk itself.
     */
    public void enrich(RecordBatch batch, EnrichOptions options, Matches out, ExecutorService pool, int parallelism) {
        int n = batch.size();
        out.reset(n, options.k());
        int chunks = Math.min(parallelism, Math.max(1, n / (PARALLEL_THRESHOLD / 2)));
        if (n < PARALLEL_THRESHOLD || chunks <= 1) {
            enrichRange(batch, 0, n, options, out);
            return;
        }
        Future<?>[] futures = new Future<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            futures[c - 1] = pool.submit(() -> enrichRange(batch, from, to, options, out));
        }
        try {
            enrichRange(batch, 0, (int) ((long) n / chunks), options, out);
        } finally {
            awaitAll(futures);
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
            for (int i = from; i < to; i++) {
                int place = searcher.nearest(batch.lat(i), batch.lon(i));
                double km = searcher.distanceKm(place);
                out.set(i, 0, place, km);
                out.setCount(i, 1);
                scale(payload, batch.payloadStart(i), batch.payloadEnd(i), km);
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

    private static void awaitAll(Future<?>[] futures) {
        RuntimeException failure = null;
        boolean interrupted = false;
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException r
                                ? r
                                : new IllegalStateException(e.getCause());
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
