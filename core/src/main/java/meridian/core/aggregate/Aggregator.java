package meridian.core.aggregate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-key rollups: one {@link UserAggregate} per key, created on the key's first event. Used by
 * {@code meridian aggregate} (one aggregator per chunk of the file, merged) and by the store (one per
 * ingest batch, folded into the persisted aggregates). Only the first event of a key allocates.
 *
 * <p>Not thread-safe; build one per thread and {@link #merge} them. Results do not depend on the order
 * of events or merges, up to floating-point rounding of sum, mean and variance (see {@link UserAggregate}).
 */
public final class Aggregator {
    private final HashMap<String, UserAggregate> byKey;

    public Aggregator() {
        this(64);
    }

    public Aggregator(int expectedKeys) {
        byKey = HashMap.newHashMap(Math.max(1, expectedKeys));
    }

    /** Adds one event to the rollup of {@code key}. */
    public void add(
            String key,
            long eventId,
            double value,
            long tsMicros,
            String ts,
            String placeId,
            String placeName,
            double placeKm) {
        UserAggregate a = byKey.get(key);
        if (a == null) {
            a = new UserAggregate();
            byKey.put(key, a);
        }
        a.add(eventId, value, tsMicros, ts, placeId, placeName, placeKm);
    }

    /**
     * The aggregate of {@code key}, made (empty) on the key's first use: for a caller that keeps its own
     * index of the keys in front of this map and folds events into the aggregate with {@link UserAggregate#add}.
     */
    public UserAggregate of(String key) {
        UserAggregate a = byKey.get(key);
        if (a == null) {
            a = new UserAggregate();
            byKey.put(key, a);
        }
        return a;
    }

    /** Folds another aggregator (over disjoint events) into this one; {@code other} is left unchanged. */
    public void merge(Aggregator other) {
        for (Map.Entry<String, UserAggregate> e : other.byKey.entrySet()) {
            UserAggregate mine = byKey.get(e.getKey());
            if (mine == null) {
                mine = new UserAggregate();
                byKey.put(e.getKey(), mine);
            }
            mine.merge(e.getValue());
        }
    }

    public int size() {
        return byKey.size();
    }

    /** The events folded in, over all keys. */
    public long events() {
        long n = 0;
        for (UserAggregate a : byKey.values()) {
            n += a.count();
        }
        return n;
    }

    /** Every key's aggregate, in no particular order (live: for setting what is found after the fold). */
    public Collection<UserAggregate> aggregates() {
        return Collections.unmodifiableCollection(byKey.values());
    }

    /** The aggregate of {@code key}, or null when it had no events. */
    public UserAggregate get(String key) {
        return byKey.get(key);
    }

    /** Keys in ascending order (String order), for stable output. */
    public List<String> sortedKeys() {
        var keys = new ArrayList<>(byKey.keySet());
        Collections.sort(keys);
        return keys;
    }
}
