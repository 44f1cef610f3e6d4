package meridian.server.exec;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads all CPU work (enrichment) runs on, separate from the threads that do network I/O: chunks of
 * admitted batches, and small requests whole.
 *
 * <p>Small requests (a body up to {@code small-body-bytes}: parse, search and answer well under a
 * millisecond) run as one task each on their own work-stealing threads, one per core, without a permit:
 * handing them through admission and the chunk threads costs more than the work, and they never wait
 * behind a large batch's chunks. They are bounded by the connections (one request each at a time) and the
 * body budget. Run on the event loop that read them instead, the loop's other connections wait behind
 * each one and a loop that loses its core stalls all of them: 100-record bodies at {@code -c 64} had a p99
 * 4–6 times the one measured here (BENCHMARKS.md, "Small requests").
 *
 * <p>Invariants: at most {@link #permits()} requests are in the CPU stage at once (a request holds one
 * permit while its chunks run); the pool has {@link #threads()} platform threads and a bounded queue
 * sized so that admitted work never overflows it ({@code permits * maxChunks}); a task that cannot be
 * queued would be a bug and is rejected loudly rather than run on the caller's thread.
 */
public final class CpuPool implements AutoCloseable {
    private final int permits;
    private final int threads;
    private final int maxChunks;
    private final Semaphore semaphore;
    private final ThreadPoolExecutor executor;
    private final AtomicInteger runningTasks = new AtomicInteger();
    private final ForkJoinPool small;

    public CpuPool(int permits, int threads) {
        if (permits < 1 || threads < 1) {
            throw new IllegalArgumentException("permits and threads must be positive: " + permits + ", " + threads);
        }
        this.permits = permits;
        this.threads = threads;
        this.maxChunks = threads;
        this.semaphore = new Semaphore(permits, true);
        AtomicInteger n = new AtomicInteger();
        this.executor =
                new ThreadPoolExecutor(
                        threads,
                        threads,
                        0,
                        TimeUnit.MILLISECONDS,
                        new ArrayBlockingQueue<>(permits * maxChunks + threads),
                        r -> {
                            Thread t = new Thread(r, "meridian-cpu-" + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        },
                        new ThreadPoolExecutor.AbortPolicy()) {
                    @Override
                    protected void beforeExecute(Thread t, Runnable r) {
                        runningTasks.incrementAndGet();
                    }

                    @Override
                    protected void afterExecute(Runnable r, Throwable t) {
                        runningTasks.decrementAndGet();
                    }
                };
        this.small = new ForkJoinPool(
                threads,
                pool -> {
                    var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                    t.setName("meridian-small-" + t.getPoolIndex());
                    return t;
                },
                null,
                true); // first come, first served
    }

    /** Runs a small request whole, without a permit (see the class comment). */
    public void runSmall(Runnable task) {
        small.execute(task);
    }

    public int permits() {
        return permits;
    }

    /** Most chunks one request may split into (one per pool thread). */
    public int maxChunks() {
        return maxChunks;
    }

    /** Waits up to {@code nanos} for a permit; true if one was taken (release it with {@link #release()}). */
    public boolean tryAcquire(long nanos) throws InterruptedException {
        return semaphore.tryAcquire(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    public void release() {
        semaphore.release();
    }

    /** Permits currently held: requests in the CPU stage. */
    public int permitsInUse() {
        return permits - semaphore.availablePermits();
    }

    /** Requests waiting for a permit. */
    public int waiting() {
        return semaphore.getQueueLength();
    }

    /** Chunks executing right now. */
    public int runningTasks() {
        return runningTasks.get();
    }

    /** The threads, for {@link meridian.core.exec.ParallelRun}s; submit only while holding a permit. */
    public ThreadPoolExecutor executor() {
        return executor;
    }

    /** Stops the threads once queued work is done, waiting up to {@code millis}. */
    public void shutdown(long millis) {
        executor.shutdown();
        small.shutdown();
        try {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            if (!executor.awaitTermination(millis, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
            if (!small.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                small.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            small.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown(0);
    }
}
