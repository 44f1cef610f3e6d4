package meridian.core.exec;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one way to run a batch kernel in parallel: records {@code [0, n)} are cut into chunks of
 * {@code step}, and up to {@code helpers} tasks submitted to the given executor (plus the caller, if it
 * {@link #help}s) claim chunks from a shared counter until none is left. Claiming balances the load by
 * itself (a slow chunk does not hold up a fixed share), and the gap between two claims is where
 * cancellation is checked.
 *
 * <p>The run is a scope: {@link #join} waits for every chunk up to a deadline; {@link #cancel} stops the
 * claiming, interrupts helpers inside the kernel and takes helpers that have not started off the executor's
 * queue (or calls them off when they start); {@link #close} cancels what is left and returns only when no
 * helper is inside the kernel any more, so the caller's buffers can be reused at once. A helper that has
 * not started when the work is done is called off rather than waited for, so a busy executor never costs
 * more than running alone would.
 *
 * <p>Used by {@code Enricher.enrich} (the caller helps; the executor is the caller's), the service (the
 * caller only waits, with the request deadline; the executor is the CPU pool) and {@code process}.
 * Not thread-safe for the owner's calls: one thread starts, helps, joins and closes.
 */
public final class ParallelRun implements AutoCloseable {
    /** The work on records {@code [from, to)}; disjoint ranges run concurrently. */
    @FunctionalInterface
    public interface Kernel {
        void run(int from, int to) throws Exception;
    }

    private final int n;
    private final int step;
    private final Kernel kernel;
    private final Executor executor;
    private final Helper[] helpers;
    private final AtomicInteger next = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile boolean cancelled;
    private int chunksLeft; // guarded by lock
    private int helpersInside; // guarded by lock
    private Throwable failure; // guarded by lock

    private ParallelRun(int n, int step, int helpers, Executor executor, Kernel kernel) {
        this.n = n;
        this.step = step;
        this.kernel = kernel;
        this.executor = executor;
        this.chunksLeft = (int) (((long) n + step - 1) / step);
        this.helpers = new Helper[Math.max(0, Math.min(helpers, chunksLeft))];
    }

    /**
     * Starts a run over {@code [0, n)} in chunks of {@code step} with up to {@code helpers} tasks on
     * {@code executor} (fewer when there are fewer chunks). An executor that refuses a task makes this throw
     * after calling off the helpers already submitted.
     */
    public static ParallelRun start(int n, int step, int helpers, Executor executor, Kernel kernel) {
        if (step < 1) {
            throw new IllegalArgumentException("step must be positive: " + step);
        }
        ParallelRun run = new ParallelRun(n, step, helpers, executor, kernel);
        for (int h = 0; h < run.helpers.length; h++) {
            Helper helper = run.new Helper();
            run.helpers[h] = helper;
            try {
                executor.execute(helper);
            } catch (RuntimeException e) {
                run.close();
                throw e;
            }
        }
        return run;
    }

    /** Runs chunks on the calling thread until none is left to claim (or the run is cancelled). */
    public void help() {
        try {
            claimChunks();
        } catch (Throwable e) {
            fail(e);
        }
        rethrowFailure();
    }

    /**
     * Waits until every chunk has run. Rethrows a kernel's failure (after cancelling the rest); on
     * {@code deadlineNanos} (a {@link System#nanoTime()} value) cancels and throws {@link TimeoutException};
     * if interrupted, cancels and rethrows.
     */
    public void join(long deadlineNanos) throws TimeoutException, InterruptedException {
        lock.lock();
        try {
            while (chunksLeft > 0 && failure == null && !cancelled) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    cancelLocked();
                    throw new TimeoutException("deadline passed with " + chunksLeft + " chunks left");
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            cancelLocked();
            throw e;
        } finally {
            lock.unlock();
        }
        rethrowFailure();
    }

    /** Waits without a deadline, for callers that have none. */
    public void join() throws InterruptedException {
        try {
            join(System.nanoTime() + Long.MAX_VALUE / 2);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e); // ~146 years
        }
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Stops handing out chunks, calls off helpers that have not started, interrupts those inside the kernel. */
    public void cancel() {
        lock.lock();
        try {
            cancelLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Cancels what is left and waits until no helper is inside the kernel. */
    @Override
    public void close() {
        boolean interrupted = false;
        lock.lock();
        try {
            if (chunksLeft > 0 || failure != null) {
                cancelLocked();
            }
            for (Helper h : helpers) {
                if (h != null && h.callOff() && executor instanceof ThreadPoolExecutor pool) {
                    pool.remove(h); // keep a bounded queue free of dead entries
                }
            }
            while (helpersInside > 0) {
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    interrupted = true; // a helper may still write into the caller's buffers: wait regardless
                }
            }
        } finally {
            lock.unlock();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void cancelLocked() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        for (Helper h : helpers) {
            if (h != null) {
                if (h.callOff()) {
                    if (executor instanceof ThreadPoolExecutor pool) {
                        pool.remove(h);
                    }
                } else {
                    h.interruptIfInside();
                }
            }
        }
        changed.signalAll();
    }

    private void claimChunks() throws Exception {
        for (int from = next.getAndAdd(step); from < n && !cancelled; from = next.getAndAdd(step)) {
            kernel.run(from, Math.min(n, from + step));
            lock.lock();
            try {
                if (--chunksLeft == 0) {
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void fail(Throwable e) {
        lock.lock();
        try {
            if (failure == null && !(cancelled && e instanceof InterruptedException)) {
                failure = e;
            }
            cancelLocked();
        } finally {
            lock.unlock();
        }
    }

    private void rethrowFailure() {
        Throwable f;
        lock.lock();
        try {
            f = failure;
        } finally {
            lock.unlock();
        }
        switch (f) {
            case null -> {}
            case RuntimeException r -> throw r;
            case Error err -> throw err;
            default -> throw new IllegalStateException(f);
        }
    }

    /** One task on the executor; the owner can call it off as long as it has not started. */
    private final class Helper implements Runnable {
        private static final int WAITING = 0, INSIDE = 1, DONE = 2, CALLED_OFF = 3;
        private final AtomicInteger state = new AtomicInteger(WAITING);
        private Thread thread; // guarded by this

        @Override
        public void run() {
            lock.lock();
            try {
                if (!state.compareAndSet(WAITING, INSIDE)) {
                    return;
                }
                helpersInside++;
            } finally {
                lock.unlock();
            }
            synchronized (this) {
                thread = Thread.currentThread();
            }
            try {
                claimChunks();
            } catch (Throwable e) {
                fail(e);
            } finally {
                synchronized (this) {
                    thread = null;
                }
                Thread.interrupted(); // an interrupt meant for this run must not leak to the executor's next task
                lock.lock();
                try {
                    state.set(DONE);
                    helpersInside--;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }

        /** True if the helper will never touch the caller's data. */
        boolean callOff() {
            return state.compareAndSet(WAITING, CALLED_OFF);
        }

        synchronized void interruptIfInside() {
            if (thread != null) {
                thread.interrupt();
            }
        }
    }
}
