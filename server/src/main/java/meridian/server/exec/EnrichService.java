package meridian.server.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import meridian.core.enrich.EnrichOptions;
import meridian.core.enrich.Enricher;
import meridian.core.enrich.Matches;
import meridian.core.enrich.RecordBatch;
import meridian.core.error.InvalidInputException;
import meridian.core.error.UnavailableException;
import meridian.core.exec.ParallelRun;
import meridian.core.geo.Earth;
import meridian.core.refs.ReferenceSet;
import meridian.server.json.RecordCodec;
import meridian.server.metrics.Metrics;
import meridian.store.Event;
import meridian.store.PlaceTag;

/**
 * Admission and CPU offload for enrichment, shared by the HTTP and TCP endpoints.
 *
 * <p>Two bounded stages: {@link #admit} hands out one of {@code maxInFlight} reusable {@link Workspace}s
 * (the request's batch and result buffers, which bounds memory), and {@link #enrich} takes one of the
 * {@link CpuPool}'s permits and runs the batch in chunks on the pool as one {@link ParallelRun}.
 * Admission waits at most the admission wait, then gives up with {@code overloaded} (answered 503 +
 * Retry-After); an admitted request waits for a CPU permit up to its deadline ({@code deadline_exceeded},
 * 504). The caller's thread only waits; it never runs enrichment itself.
 */
public final class EnrichService {
    /** Records enriched between two cancellation checks. */
    static final int STEP = 1024;

    /** Default most (record, place) results one request may ask for: 12 bytes each, so at most ~100 MB. */
    static final long MAX_MATCH_SLOTS = 8_000_000;

    /** Default results all requests in flight may hold together (~384 MB). */
    static final long MATCH_BUDGET = 32_000_000;

    /** Workspaces that grew past this many payload values (or a quarter as many results) are not pooled. */
    private static final int MAX_POOLED_PAYLOAD = 4 << 20;

    private final CpuPool pool;
    private final Metrics metrics;
    private final RecordCodec codec;
    private final ArrayBlockingQueue<Workspace> workspaces;
    private final int maxInFlight;
    private final int maxQueued;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger created = new AtomicInteger();
    private final long admissionWaitNanos;
    private volatile ChunkListener chunkListener = ChunkListener.NONE;

    /** Reusable per-request buffers; owned by one request at a time. */
    public static final class Workspace {
        public final RecordBatch batch = new RecordBatch(1024);
        public final Matches matches = new Matches();
        public final RecordCodec.Fields fields;
        /** Results reserved from the shared budget by this request; given back on release. */
        long reserved;

        Workspace(RecordCodec codec) {
            this.fields = codec.fields();
        }
    }

    /** Called on a CPU thread before each chunk step; tests use it to hold work in the CPU stage. */
    @FunctionalInterface
    public interface ChunkListener {
        ChunkListener NONE = () -> {};

        void beforeStep() throws InterruptedException;
    }

    public EnrichService(CpuPool pool, Metrics metrics, RecordCodec codec, int maxInFlight, long admissionWaitMs) {
        this(pool, metrics, codec, maxInFlight, admissionWaitMs, MAX_MATCH_SLOTS, MATCH_BUDGET);
    }

    /**
     * @param maxMatchSlots results ({@code k × records}) one request may ask for; 413 {@code result_too_large}
     *     above
     * @param matchBudget results all admitted requests may hold at once; a request that would go beyond it
     *     waits for nothing and gets 503 {@code overloaded}, so no mix of legal requests exhausts the heap
     */
    public EnrichService(
            CpuPool pool,
            Metrics metrics,
            RecordCodec codec,
            int maxInFlight,
            long admissionWaitMs,
            long maxMatchSlots,
            long matchBudget) {
        this.maxMatchSlots = maxMatchSlots;
        this.matchBudget = matchBudget;
        this.pool = pool;
        this.metrics = metrics;
        this.maxInFlight = maxInFlight;
        this.maxQueued = QUEUED_PER_SLOT * maxInFlight;
        this.admissionWaitNanos = TimeUnit.MILLISECONDS.toNanos(admissionWaitMs);
        // fair: waiters are admitted in order. Workspaces are made on first need, not at start: an idle service
        // holds only those its load ever used.
        this.workspaces = new ArrayBlockingQueue<>(maxInFlight, true);
        this.codec = codec;
    }

    private final long maxMatchSlots;
    private final long matchBudget;
    private final java.util.concurrent.atomic.AtomicLong matchesInUse = new java.util.concurrent.atomic.AtomicLong();

    public CpuPool pool() {
        return pool;
    }

    public void chunkListener(ChunkListener listener) {
        this.chunkListener = listener == null ? ChunkListener.NONE : listener;
    }

    /** Requests waiting for admission now. */
    public int queued() {
        return queued.get();
    }

    /** Results held by the requests in flight now (of the match budget). */
    public long matchesInUse() {
        return matchesInUse.get();
    }

    /** Requests admitted right now. */
    public int admitted() {
        return created.get() - workspaces.size();
    }

    /** A new workspace while fewer than {@code maxInFlight} exist, else null. */
    private Workspace fresh() {
        int c;
        while ((c = created.get()) < maxInFlight) {
            if (created.compareAndSet(c, c + 1)) {
                return new Workspace(codec);
            }
        }
        return null;
    }

    /** Requests allowed to wait for admission at once, per request slot; beyond that, 503 at once. */
    public static final int QUEUED_PER_SLOT = 8;

    /**
     * Waits (bounded in time, and in how many may wait) for a free workspace; give it back with
     * {@link #release}. When {@code QUEUED_PER_SLOT × max-in-flight} requests are already waiting, the
     * answer is 503 at once: a request that far back would only time out, after holding its connection.
     */
    public Workspace admit(long deadlineNanos) {
        long t0 = System.nanoTime();
        Workspace ws = workspaces.poll();
        if (ws == null) {
            ws = fresh();
        }
        if (ws == null) {
            if (queued.incrementAndGet() > maxQueued) {
                queued.decrementAndGet();
                metrics.queueWait(0);
                metrics.rejected(Metrics.Rejection.OVERLOADED);
                throw overloaded(maxQueued + " requests are already waiting for one of " + maxInFlight + " slots");
            }
            try {
                ws = workspaces.poll(waitNanos(t0, deadlineNanos), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw overloaded("interrupted while waiting for admission");
            } finally {
                queued.decrementAndGet();
            }
        }
        metrics.queueWait(System.nanoTime() - t0);
        if (ws == null) {
            throw refusal(deadlineNanos, "all " + maxInFlight + " request slots are busy");
        }
        ws.batch.clear();
        ws.fields.clear();
        return ws;
    }

    /**
     * A workspace outside the admission pool, for a thread that enriches small batches itself (a
     * small-request thread of the {@link CpuPool}): one per such thread, so the memory stays bounded by the
     * thread count.
     */
    public Workspace privateWorkspace() {
        return new Workspace(codec);
    }

    /**
     * Enriches a small batch on the calling thread, without admission or a CPU permit: for batches so small
     * that handing them to the chunk threads costs more than the work (the {@code small-body-bytes} setting).
     */
    public void enrichHere(Workspace ws, Enricher enricher, EnrichOptions options) {
        int n = ws.batch.size();
        checkSize(n, options);
        ws.matches.reset(n, options);
        if (n > 0) {
            enricher.enrichRange(ws.batch, 0, n, options, ws.matches);
            metrics.enriched(n);
        }
    }

    private void checkSize(int n, EnrichOptions options) {
        if ((long) n * options.k() > maxMatchSlots) {
            throw new InvalidInputException(
                    "result_too_large",
                    n + " records x k=" + options.k() + " nearest places is more than " + maxMatchSlots
                            + " results per request; send fewer records or a smaller k",
                    Map.of("records", n, "k", options.k(), "limit", maxMatchSlots));
        }
    }

    public void release(Workspace ws) {
        matchesInUse.addAndGet(-ws.reserved);
        ws.reserved = 0;
        if (ws.batch.payloadValues().length > MAX_POOLED_PAYLOAD
                || ws.batch.size() > MAX_POOLED_PAYLOAD / 16
                || (long) ws.matches.size() * ws.matches.k() > MAX_POOLED_PAYLOAD / 4
                || ws.fields.retainedBytes() > MAX_POOLED_PAYLOAD) {
            ws = new Workspace(codec);
        } else {
            ws.batch.clear();
            ws.fields.clear();
        }
        workspaces.offer(ws);
    }

    /**
     * Enriches the workspace's batch into its matches on the CPU pool, split into up to one chunk per pool
     * thread. Returns when done; throws {@code overloaded} or {@code deadline_exceeded}; cancels the
     * subtasks and releases the permit on every way out (including the caller being interrupted).
     */
    public void enrich(Workspace ws, Enricher enricher, EnrichOptions options, long deadlineNanos) {
        RecordBatch batch = ws.batch;
        Matches matches = ws.matches;
        int n = batch.size();
        checkSize(n, options);
        long slots = (long) n * options.k();
        if (slots > ws.reserved) {
            long more = slots - ws.reserved;
            if (matchesInUse.addAndGet(more) > matchBudget) {
                matchesInUse.addAndGet(-more);
                metrics.rejected(Metrics.Rejection.OVERLOADED);
                throw overloaded("the requests in flight hold " + matchesInUse.get() + " of " + matchBudget
                        + " results; this one needs " + slots);
            }
            ws.reserved = slots;
        }
        matches.reset(n, options);
        if (n == 0) {
            return;
        }
        long t0 = System.nanoTime();
        boolean permit;
        try {
            // Admitted work has been parsed already: it waits for the CPU up to its deadline (504), not
            // the admission wait, so that a burst does not throw away work it has already paid for.
            permit = pool.tryAcquire(deadlineNanos - t0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw overloaded("interrupted while waiting for a CPU permit");
        }
        metrics.queueWait(System.nanoTime() - t0);
        if (!permit) {
            metrics.rejected(Metrics.Rejection.DEADLINE);
            throw deadline();
        }
        try {
            ChunkListener listener = chunkListener;
            runOnPool(
                    n,
                    (from, to) -> {
                        listener.beforeStep();
                        enricher.enrichRange(batch, from, to, options, matches);
                    },
                    deadlineNanos);
        } finally {
            pool.release();
        }
        metrics.enriched(n);
    }

    /**
     * The nearest place in {@code set} of each event, found on the CPU pool like any enrichment (same
     * admission, permits and deadline), for the caller to hand to the store with the events. An event with
     * coordinates out of range gets no tag (the store rejects it with its position).
     */
    public List<PlaceTag> tag(List<Event> events, Enricher enricher, ReferenceSet set, long deadlineNanos) {
        Workspace ws = admit(deadlineNanos);
        try {
            for (Event e : events) {
                boolean valid = Earth.isValidLatitude(e.lat()) && Earth.isValidLongitude(e.lon());
                ws.batch.add(e.id(), valid ? e.lat() : 0, valid ? e.lon() : 0);
            }
            enrich(ws, enricher, EnrichOptions.NEAREST, deadlineNanos);
            List<PlaceTag> tags = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
                Event e = events.get(i);
                boolean valid = Earth.isValidLatitude(e.lat()) && Earth.isValidLongitude(e.lon());
                if (!valid || ws.matches.count(i) == 0) {
                    tags.add(null);
                } else {
                    int p = ws.matches.place(i, 0);
                    tags.add(new PlaceTag(set.id(p), set.placeName(p), ws.matches.distanceKm(i, 0)));
                }
            }
            return tags;
        } finally {
            release(ws);
        }
    }

    /**
     * Runs one task on the CPU pool and returns its result; the caller holds a CPU permit and only waits,
     * up to its deadline ({@code deadline_exceeded}).
     */
    public <T> T call(Callable<T> work, long deadlineNanos) {
        List<T> result = new ArrayList<>(1);
        runOnPool(1, (from, to) -> result.add(work.call()), deadlineNanos);
        return result.getFirst();
    }

    /**
     * {@code [0, n)} in steps of {@link #STEP} on up to one pool thread each (the request's scope: joined
     * with the deadline, cancelled on the way out, never outliving this call). The caller's thread only waits.
     */
    private void runOnPool(int n, ParallelRun.Kernel kernel, long deadlineNanos) {
        try (ParallelRun run = ParallelRun.start(n, STEP, pool.maxChunks(), pool.executor(), kernel)) {
            run.join(deadlineNanos);
        } catch (TimeoutException e) {
            metrics.rejected(Metrics.Rejection.DEADLINE);
            throw deadline();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("cancelled", "the request was cancelled while on the CPU pool", Map.of(), e);
        }
    }

    private long waitNanos(long now, long deadlineNanos) {
        return Math.max(0, Math.min(admissionWaitNanos, deadlineNanos - now));
    }

    private UnavailableException refusal(long deadlineNanos, String why) {
        if (System.nanoTime() - deadlineNanos >= 0) {
            metrics.rejected(Metrics.Rejection.DEADLINE);
            return deadline();
        }
        metrics.rejected(Metrics.Rejection.OVERLOADED);
        return overloaded(why);
    }

    private UnavailableException overloaded(String why) {
        long retry = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(admissionWaitNanos));
        return new UnavailableException(
                "overloaded",
                "the server is saturated (" + why + "); retry after " + retry + " s",
                Map.of("retry_after_s", retry),
                null);
    }

    /** The client closed its connection while its request waited: the work is not done for nobody. */
    public static UnavailableException clientGone() {
        return new UnavailableException(
                "cancelled", "the client closed the connection before its request was worked on", Map.of(), null);
    }

    public static UnavailableException deadline() {
        return new UnavailableException(
                "deadline_exceeded", "the request did not complete within its deadline", Map.of(), null);
    }
}
