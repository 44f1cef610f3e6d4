package meridian.server.http;

import java.util.ArrayDeque;

/**
 * Heap arrays that request bodies are copied into to be scanned (the bodies themselves are off-heap), a few
 * of them kept for reuse. With a fresh array per copy, a 10,000-record body's 3 MB outlived the young
 * collections that ran while it was scanned and was promoted: at {@code -c 64} the old generation filled with
 * dead copies, 74 full collections in 12 s against 1 without the copies, about 8% of the CPU. A kept array
 * is promoted once and serves every large body after it.
 *
 * <p>Small bodies (up to {@link BodyBudget#SMALL_BYTES}) get fresh arrays: they die young at no cost. Thread-safe.
 */
final class BodyScratch {
    private final int keep;
    private final int arrayBytes;
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    private int made;

    /** {@code keep} arrays of {@code arrayBytes} at most, made on first need. */
    BodyScratch(int keep, int arrayBytes) {
        this.keep = keep;
        this.arrayBytes = arrayBytes;
    }

    /** An array of at least {@code size} bytes: a kept one when it fits and one is free, else a fresh one. */
    byte[] take(int size) {
        if (size > BodyBudget.SMALL_BYTES && size <= arrayBytes) {
            synchronized (free) {
                byte[] kept = free.poll();
                if (kept != null) {
                    return kept;
                }
                if (made < keep) {
                    made++;
                    return new byte[arrayBytes];
                }
            }
        }
        return new byte[size];
    }

    /** Gives back an array from {@link #take}; only kept arrays are kept. */
    void give(byte[] array) {
        if (array.length == arrayBytes) {
            synchronized (free) {
                free.push(array);
            }
        }
    }
}
