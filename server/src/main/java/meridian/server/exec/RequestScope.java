package meridian.server.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The subtasks of one request, owned together: forked onto the {@link CpuPool}, joined with the request's
 * deadline, cancelled together, and never outliving the scope ({@link #close()} returns only when every
 * forked subtask has stopped, so the request's buffers can be reused safely).
 *
 * <p>This is the shape of {@code java.util.concurrent.StructuredTaskScope}, which is still a preview API
 * in Java 25; this small class avoids enabling preview features in every module, launcher and test run.
 * Cancellation is cooperative: subtasks poll {@link #isCancelled()} between chunks of work, and a subtask
 * blocked in an interruptible call is interrupted. A subtask that has not started yet is removed from the
 * pool's queue. Not thread-safe for forking: only the owner thread forks, joins and closes.
 */
public final class RequestScope implements AutoCloseable {
    private final CpuPool pool;
    private final long deadlineNanos;
    private final List<Task> tasks = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile boolean cancelled;
    private int pending;
    private Throwable failure;

    /** A scope whose {@link #join()} gives up at {@code deadlineNanos} (a {@link System#nanoTime()} value). */
    public RequestScope(CpuPool pool, long deadlineNanos) {
        this.pool = pool;
        this.deadlineNanos = deadlineNanos;
    }

    /** A unit of CPU work; may poll {@link RequestScope#isCancelled()} between chunks. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    public void fork(Work work) {
        if (cancelled) {
            return;
        }
        Task t = new Task(work);
        lock.lock();
        try {
            pending++;
            tasks.add(t);
        } finally {
            lock.unlock();
        }
        try {
            pool.execute(t);
        } catch (RuntimeException e) {
            t.finish(e);
            throw e;
        }
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /**
     * Waits until every subtask has finished. If one fails, the others are cancelled and its exception is
     * rethrown; if the deadline passes first, all are cancelled and {@link TimeoutException} is thrown.
     */
    public void join() throws InterruptedException, TimeoutException {
        lock.lock();
        try {
            while (pending > 0 && failure == null) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    cancelLocked();
                    throw new TimeoutException("request deadline passed");
                }
                changed.awaitNanos(left);
            }
            if (failure != null) {
                cancelLocked();
                if (failure instanceof RuntimeException r) {
                    throw r;
                }
                if (failure instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(failure);
            }
        } catch (InterruptedException e) {
            cancelLocked();
            throw e;
        } finally {
            lock.unlock();
        }
    }

    /** Cancels every subtask that has not finished; returns at once. */
    public void cancel() {
        lock.lock();
        try {
            cancelLocked();
        } finally {
            lock.unlock();
        }
    }

    private void cancelLocked() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        for (Task t : tasks) {
            if (pool.remove(t)) {
                t.finishUnstarted();
            } else {
                t.interruptIfRunning();
            }
        }
    }

    /** Cancels what is left and waits until every subtask has stopped. */
    @Override
    public void close() {
        boolean interrupted = false;
        lock.lock();
        try {
            if (pending > 0) {
                cancelLocked();
            }
            while (pending > 0) {
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            lock.unlock();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Task implements Runnable {
        private final Work work;
        private Thread runner; // guarded by this
        private boolean done; // guarded by this

        Task(Work work) {
            this.work = work;
        }

        @Override
        public void run() {
            synchronized (this) {
                if (done) {
                    return;
                }
                runner = Thread.currentThread();
            }
            pool.taskStarted();
            Throwable error = null;
            try {
                if (!cancelled) {
                    work.run();
                }
            } catch (Throwable e) {
                error = e;
            } finally {
                pool.taskFinished();
                synchronized (this) {
                    runner = null;
                }
                Thread.interrupted(); // an interrupt meant for this task must not leak to the next one
                finish(error);
            }
        }

        synchronized void interruptIfRunning() {
            if (runner != null) {
                runner.interrupt();
            }
        }

        void finishUnstarted() {
            synchronized (this) {
                if (done) {
                    return;
                }
            }
            finish(null);
        }

        void finish(Throwable error) {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
            }
            lock.lock();
            try {
                pending--;
                if (error != null && failure == null && !(cancelled && error instanceof InterruptedException)) {
                    failure = error;
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
