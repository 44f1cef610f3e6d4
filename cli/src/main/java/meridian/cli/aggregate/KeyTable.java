package meridian.cli.aggregate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import meridian.core.aggregate.Aggregator;
import meridian.core.aggregate.UserAggregate;

/**
 * The fold's index from a key's bytes to its {@link UserAggregate}, in front of the {@link Aggregator}'s map:
 * open addressing over flat arrays (slot, byte range in one pool, hash), so an event whose key was seen
 * before costs a probe and a byte compare, with no string made and no map node visited. On JFR profiles of
 * 1 M events over 50,000 keys, the map lookup by a fresh string per event (hash, node, {@code equals}) was a
 * quarter of the samples. A key's first event makes its string once, through {@link Aggregator#of}, so keys
 * read here and keys given as strings (rows of the slow path, JSON) meet in the same aggregate.
 *
 * <p>Holds one entry per distinct key, as the result does. Used by the fold's one thread.
 */
final class KeyTable {
    private final Aggregator total;
    private int[] slots = new int[1 << 12]; // entry + 1, 0 for empty
    private int[] start = new int[1 << 11];
    private int[] end = new int[1 << 11];
    private int[] hashes = new int[1 << 11];
    private UserAggregate[] aggregates = new UserAggregate[1 << 11];
    private byte[] pool = new byte[1 << 16];
    private int used;
    private int count;

    KeyTable(Aggregator total) {
        this.total = total;
    }

    /** The hash of {@code b[s, e)} that {@link #get} expects (computed by the workers). */
    static int hash(byte[] b, int s, int e) {
        int h = 1;
        for (int i = s; i < e; i++) {
            h = 31 * h + b[i];
        }
        return (h ^ (h >>> 16)) * 0x45d9f3b;
    }

    /** The aggregate of the key {@code b[s, e)} (UTF-8), whose {@link #hash} is {@code h}. */
    UserAggregate get(byte[] b, int s, int e, int h) {
        int mask = slots.length - 1;
        for (int at = h & mask; ; at = (at + 1) & mask) {
            int k = slots[at] - 1;
            if (k < 0) {
                return add(at, b, s, e, h);
            }
            if (hashes[k] == h && Arrays.equals(pool, start[k], end[k], b, s, e)) {
                return aggregates[k];
            }
        }
    }

    /**
     * Reads what {@link #get} will read for the key hashed {@code h} when the key is known (its slot, its
     * entry, the first byte of its bytes, its aggregate's count) and returns a value made from them that the
     * caller keeps. Done for a run of events before their {@code get}s, the cache misses of those random
     * keys overlap instead of stalling the fold one at a time.
     */
    int touch(int h) {
        int k = slots[h & (slots.length - 1)] - 1;
        return k < 0 ? 0 : hashes[k] + pool[start[k]] + (int) aggregates[k].count();
    }

    private UserAggregate add(int slot, byte[] b, int s, int e, int h) {
        UserAggregate a = total.of(new String(b, s, e - s, StandardCharsets.UTF_8));
        int n = e - s;
        if (used + n > pool.length) {
            pool = Arrays.copyOf(pool, Math.max(pool.length * 2, used + n));
        }
        if (count == start.length) {
            start = Arrays.copyOf(start, count * 2);
            end = Arrays.copyOf(end, count * 2);
            hashes = Arrays.copyOf(hashes, count * 2);
            aggregates = Arrays.copyOf(aggregates, count * 2);
        }
        System.arraycopy(b, s, pool, used, n);
        start[count] = used;
        end[count] = used + n;
        hashes[count] = h;
        aggregates[count] = a;
        used += n;
        slots[slot] = ++count;
        if (count * 2 > slots.length) {
            rehash();
        }
        return a;
    }

    private void rehash() {
        slots = new int[slots.length * 2];
        int mask = slots.length - 1;
        for (int k = 0; k < count; k++) {
            int at = hashes[k] & mask;
            while (slots[at] != 0) {
                at = (at + 1) & mask;
            }
            slots[at] = k + 1;
        }
    }
}
