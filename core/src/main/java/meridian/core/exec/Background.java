package meridian.core.exec;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * A value made on another thread while its caller goes on with work that does not need it yet: the service's
 * default reference set while the listeners start, {@code aggregate}'s bundled places while the file is folded,
 * {@code process}'s place text while the first blocks are scanned and searched. {@link #get} waits for it and
 * throws what making it threw, as the caller would have thrown making it itself.
 */
public final class Background<T> implements Supplier<T> {
    private final FutureTask<T> task;

    private Background(Callable<T> make) {
        this.task = new FutureTask<>(make);
    }

    /** Starts making the value on a daemon platform thread of its own, named {@code name}. */
    public static <T> Background<T> start(String name, Callable<T> make) {
        var b = new Background<>(make);
        Thread.ofPlatform().name(name).daemon(true).start(b.task);
        return b;
    }

    /** Starts making the value on {@code executor}. */
    public static <T> Background<T> start(Executor executor, Callable<T> make) {
        var b = new Background<>(make);
        executor.execute(b.task);
        return b;
    }

    /**
     * The value, once made. What making it threw is thrown here: an unchecked exception or error as it is (an
     * out-of-memory error stays one), a checked exception inside an {@link IllegalStateException}; an interrupt
     * while waiting also ends in one, with the thread's interrupt flag set again.
     */
    @Override
    public T get() {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a value made in the background", e);
        }
    }
}
