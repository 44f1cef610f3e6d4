package meridian.server.http;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The request-body bytes all HTTP connections may hold at once (bodies are read whole before admission,
 * so 64 connections sending 3 MB bodies would otherwise hold 200 MB while they wait for 16 slots). A
 * connection whose head arrives while the budget is spent does not start reading its body until bytes are
 * given back; a body already being read is never paused, so the budget cannot deadlock on half-read
 * bodies (it may be overshot by the bodies in progress). Bytes are counted as they arrive, so a stalled
 * client holds only what it actually sent.
 */
final class BodyBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();
    private final ConcurrentLinkedQueue<Connection> waiting = new ConcurrentLinkedQueue<>();

    BodyBudget(long limit) {
        this.limit = limit;
    }

    boolean spent() {
        return used.get() >= limit;
    }

    void take(long n) {
        used.addAndGet(n);
    }

    void give(long n) {
        if (n > 0 && used.addAndGet(-n) < limit) {
            wake();
        }
    }

    /** Queues a connection to resume reading once the budget allows. */
    void park(Connection c) {
        waiting.add(c);
        if (!spent()) {
            wake();
        }
    }

    private void wake() {
        Connection c;
        while (!spent() && (c = waiting.poll()) != null) {
            c.resumeBody();
        }
    }

    long used() {
        return used.get();
    }
}
