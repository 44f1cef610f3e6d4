package meridian.server.http;

import java.util.ArrayDeque;
import java.util.function.LongConsumer;

/**
 * The request-body bytes all HTTP connections may hold at once (bodies are read whole before admission,
 * so 64 connections sending 3 MB bodies would otherwise hold 200 MB while they wait for the slots).
 *
 * <p>A body with a {@code Content-Length} reserves its whole length before its first byte is read: it
 * starts only when the length fits what is left, or when nothing else is held (so one body of the largest
 * size always gets in); otherwise its connection waits in arrival order, not reading. Reserving up front
 * is what makes this a bound: counting bytes as they arrive let a burst of 64 heads, all seen while the
 * budget was still empty, read 64 bodies at once (measured: 200 MB of buffers with a 64 MiB budget, and
 * failed allocations). A body whose reservation is granted is never paused, so the budget cannot deadlock
 * on half-read bodies. A client that declares a length and stalls holds its reservation only until the
 * body timeout (408). Chunked bodies, of unknown length, are counted as they arrive and may overshoot.
 */
final class BodyBudget {
    /** The budget's share per admission slot (see {@link HttpServer}): room for one 10k-record body (3.1 MB). */
    static final int SLOT_BYTES = 4 << 20;

    /** Bodies up to this size (a small {@code /enrich}, a user, a batch of events) reserve from their own lane. */
    static final int SMALL_BYTES = 64 << 10;

    /** The small lane's budget: 128 small bodies at once. */
    static final int SMALL_LANE_BYTES = 2 * SLOT_BYTES;

    /**
     * The two lanes a body reserves from. Small bodies have their own, so that they never wait behind large
     * uploads parked in arrival order for the large one: when a client abandoned 64 parked 10k-record
     * uploads, each still had to be read to its end (its FIN waits behind the unsent bytes) before the next
     * reservation, and the 100-record requests queued behind them ran at 530 req/s with a p99 of 890 ms in
     * the first second (2,030 req/s and 470 ms with the lanes, at load 4), against 3,500 and 66 ms three
     * seconds later. With 24 stalled uploads filling the large lane, a small body waited up to 4.9 s (the
     * stalled ones' body timeout) in one lane, 148 ms with two ({@code TransportAttackTest}).
     */
    record Lanes(BodyBudget large, BodyBudget small) {
        BodyBudget forLength(long length) {
            return length > 0 && length <= SMALL_BYTES ? small : large;
        }

        long used() {
            return large.used() + small.used();
        }
    }

    private final long limit;
    private long used; // guarded by this
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>(); // guarded by this

    private record Waiter(LongConsumer resume, long bytes) {}

    BodyBudget(long limit) {
        this.limit = limit;
    }

    synchronized boolean spent() {
        return used >= limit;
    }

    /**
     * Reserves {@code n} bytes for a body about to be read: true when granted at once; else false, and
     * {@code resume} ({@link Connection#resumeBody}) is called with {@code n} once the reservation has been
     * taken for it, in arrival order.
     */
    synchronized boolean reserve(LongConsumer resume, long n) {
        if (waiting.isEmpty() && fits(n)) {
            used += n;
            return true;
        }
        waiting.add(new Waiter(resume, n));
        return false;
    }

    /** Queues a body of unknown length (chunked) until the budget is not spent; nothing is reserved. */
    synchronized void park(LongConsumer resume) {
        waiting.add(new Waiter(resume, 0));
        wake();
    }

    synchronized void take(long n) {
        used += n;
    }

    synchronized void give(long n) {
        if (n > 0) {
            used -= n;
            wake();
        }
    }

    private boolean fits(long n) {
        return used == 0 || (n == 0 ? used < limit : used + n <= limit);
    }

    private void wake() {
        Waiter w;
        while ((w = waiting.peek()) != null && fits(w.bytes)) {
            waiting.poll();
            used += w.bytes;
            w.resume.accept(w.bytes);
        }
    }

    synchronized long used() {
        return used;
    }
}
