package meridian.server;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import meridian.core.error.MeridianException;
import meridian.core.error.UnavailableException;
import meridian.store.Store;

/**
 * The users-and-events store, opened in the background so that the service answers {@code /enrich} while
 * the database connects and migrates. The service {@link #start}s the opening once it is ready (listening,
 * default set loaded): the embedded database's opening and migrations took ~0.35 s of the 1.2 s to the first
 * answer when they ran beside the start (BENCHMARKS.md, start-up). A call that comes while the first
 * opening runs waits for it, up to {@link #FIRST_WAIT_MS}; after that, and while the database cannot be
 * opened, callers get a 503 ({@code database_unavailable}) with a reason; a failed open is retried at most
 * once a second, on demand, so the service recovers when the database comes back. The opening thread is
 * joined on {@link #close()}.
 */
public final class StoreAccess implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StoreAccess.class.getName());
    private static final long RETRY_NANOS = 1_000_000_000L;
    /** Longest a call waits for the first opening (the embedded database opens in ~0.5 s). */
    static final long FIRST_WAIT_MS = 10_000;

    private final Callable<Store> opener;
    private final String where;
    private FutureTask<Store> opening; // null until started
    private FutureTask<Store> first;
    private Thread thread;
    private long lastAttempt;
    private volatile FutureTask<Store> logged; // the failed attempt whose reason was logged
    private boolean closed;

    /** A store that {@link #start} (or the first call) begins to open. */
    public StoreAccess(Callable<Store> opener, String where) {
        this.opener = opener;
        this.where = where;
    }

    /** Begins opening the store in the background, unless it already is. */
    public synchronized void start() {
        if (opening == null && !closed) {
            startOpening();
            first = opening;
        }
    }

    private synchronized void startOpening() {
        opening = new FutureTask<>(opener);
        lastAttempt = System.nanoTime();
        thread = Thread.ofPlatform().name("meridian-store-open").daemon(true).start(opening);
    }

    /** The open store, or a 503 saying why there is none yet. */
    public Store get() {
        FutureTask<Store> f;
        synchronized (this) {
            if (closed) {
                throw unavailable(null);
            }
            start();
            f = opening;
            if (f.isDone() && failed(f) && System.nanoTime() - lastAttempt > RETRY_NANOS) {
                startOpening();
                f = opening;
            }
        }
        if (!f.isDone() && f == first) {
            try {
                f.get(FIRST_WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                // answered below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable(e);
            }
        }
        if (!f.isDone()) {
            throw unavailable(null);
        }
        try {
            return f.get();
        } catch (ExecutionException e) {
            // The reason names the host, port, database and user: it goes to the log, never to the client.
            Throwable cause = e.getCause();
            String why = cause instanceof MeridianException m ? m.getMessage() : String.valueOf(cause);
            if (logged != f) {
                logged = f;
                LOG.log(System.Logger.Level.WARNING, "the database " + where + " cannot be opened: " + why);
            }
            throw unavailable(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(e);
        }
    }

    /** Where the store stands, as {@code /health} reports it. */
    public enum State {
        /** The first opening has not finished (nor begun: the service starts it once it is ready). */
        OPENING,
        OPEN,
        /** The last attempt failed (a call retries it, at most once a second), or the service is closing. */
        UNAVAILABLE
    }

    public State state() {
        FutureTask<Store> f;
        synchronized (this) {
            if (closed) {
                return State.UNAVAILABLE;
            }
            f = opening;
        }
        if (f == null || (f == first && !f.isDone())) {
            return State.OPENING;
        }
        return f.isDone() && !failed(f) ? State.OPEN : State.UNAVAILABLE;
    }

    /** True once the store is open (for readiness). */
    public boolean isOpen() {
        return state() == State.OPEN;
    }

    /** Waits up to {@code millis} for the current attempt (started if none was) to finish; true if open. */
    public boolean awaitOpen(long millis) throws InterruptedException {
        Thread t;
        synchronized (this) {
            start();
            t = thread;
        }
        if (t == null) {
            return false; // closed before it was ever opened
        }
        t.join(millis);
        return isOpen();
    }

    private static boolean failed(FutureTask<Store> f) {
        return f.state() != java.util.concurrent.Future.State.SUCCESS;
    }

    /** The answer says only that the database is unavailable: where it is and why stays in the log. */
    private static UnavailableException unavailable(Throwable cause) {
        return new UnavailableException(
                "database_unavailable",
                "the database is unavailable; retry shortly",
                Map.of("retry_after_s", 1L),
                cause);
    }

    @Override
    public void close() {
        Thread t;
        FutureTask<Store> f;
        synchronized (this) {
            closed = true;
            t = thread;
            f = opening;
        }
        if (t == null) {
            return; // never started
        }
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (f.isDone() && !failed(f)) {
            try {
                f.get().close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing the store failed: " + e);
            }
        }
    }
}
