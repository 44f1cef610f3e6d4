package meridian.server.refs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import meridian.core.enrich.Enricher;
import meridian.core.error.ConflictException;
import meridian.core.error.InvalidInputException;
import meridian.core.error.NotFoundException;
import meridian.core.error.UnavailableException;
import meridian.core.refs.ReferenceSet;

/**
 * The named reference sets the service enriches against, each with its {@link Enricher}. Sets are
 * immutable; replacing or deleting one swaps a map entry, so a request that already resolved a set keeps
 * using it to the end. The default set (used when a request names none) cannot be removed: replacing it is
 * allowed (the HTTP layer asks for the admin role), and {@link #restoreDefault} brings back the set the
 * service started with, which the registry keeps for that.
 *
 * <p>Bounded: at most {@code maxSets} sets and {@code maxPlaces} places in all of them together (the kept
 * start-up set included); a load beyond either is refused with {@code refset_limit} (409).
 */
public final class RefSetRegistry {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /** A set and its enricher. */
    public record Entry(ReferenceSet set, Enricher enricher) {}

    private final Map<String, Entry> sets = new ConcurrentHashMap<>();
    private final String defaultName;
    private final int maxSets;
    private final long maxPlaces;
    private Entry original; // the default set the service started with; guarded by this

    public RefSetRegistry(ReferenceSet defaultSet) {
        this(defaultSet.name());
        put(defaultSet);
    }

    /** A registry whose default set is still loading: until it is {@link #put}, using it answers 503. */
    public RefSetRegistry(String defaultName) {
        this(defaultName, Integer.MAX_VALUE, Long.MAX_VALUE);
    }

    /** As {@link #RefSetRegistry(String)}, holding at most {@code maxSets} sets and {@code maxPlaces} places. */
    public RefSetRegistry(String defaultName, int maxSets, long maxPlaces) {
        checkName(defaultName);
        this.defaultName = defaultName;
        this.maxSets = maxSets;
        this.maxPlaces = maxPlaces;
    }

    /** True once the default set is loaded. */
    public boolean ready() {
        return sets.containsKey(defaultName);
    }

    public String defaultName() {
        return defaultName;
    }

    /** The set called {@code name}, or the default set when {@code name} is null. */
    public Entry get(String name) {
        Entry e = sets.get(name == null ? defaultName : name);
        if (e == null && (name == null || name.equals(defaultName))) {
            throw new UnavailableException(
                    "starting",
                    "the default reference set is still loading; retry shortly",
                    Map.of("retry_after_s", 1L),
                    null);
        }
        if (e == null) {
            throw new NotFoundException(
                    "unknown_refset",
                    "no reference set named '" + name + "' (loaded: " + String.join(", ", names()) + ")",
                    Map.of("field", "refs", "value", name));
        }
        return e;
    }

    /** Adds or replaces a set; true if it was new. The first default set put is kept for {@link #restoreDefault}. */
    public synchronized boolean put(ReferenceSet set) {
        checkName(set.name());
        Entry old = sets.get(set.name());
        if (old == null && sets.size() + 1 > maxSets) {
            throw new ConflictException(
                    "refset_limit",
                    "at most " + maxSets + " reference sets may be loaded (max-refsets); delete one first",
                    Map.of("limit", maxSets, "loaded", sets.size()));
        }
        long places = set.size();
        for (Entry e : sets.values()) {
            if (e != old) {
                places += e.set().size();
            }
        }
        boolean originalInMap = !set.name().equals(defaultName) && sets.get(defaultName) == original;
        if (original != null && !originalInMap) {
            places += original.set().size(); // kept aside for restoring the default
        }
        if (places > maxPlaces) {
            throw new ConflictException(
                    "refset_limit",
                    "loading '" + set.name() + "' (" + set.size() + " places) would hold " + places
                            + " places in all reference sets, more than " + maxPlaces + " (max-refset-places)",
                    Map.of("limit", maxPlaces, "places", set.size()));
        }
        Entry entry = new Entry(set, new Enricher(set.index()));
        if (original == null && set.name().equals(defaultName)) {
            original = entry;
        }
        return sets.put(set.name(), entry) == null;
    }

    /** Puts back the default set the service started with; false when it is already in place. */
    public synchronized boolean restoreDefault() {
        if (original == null) {
            get(null); // answers 503: the default set is still loading
        }
        return sets.put(defaultName, original) != original;
    }

    /**
     * Removes a set. The default set is never removed: deleting it restores the one the service started
     * with. Returns true when a set was removed, false when the default was restored.
     */
    public synchronized boolean delete(String name) {
        if (name.equals(defaultName)) {
            restoreDefault();
            return false;
        }
        if (sets.remove(name) == null) {
            throw new NotFoundException(
                    "unknown_refset", "no reference set named '" + name + "'", Map.of("name", name));
        }
        return true;
    }

    public List<Entry> list() {
        List<Entry> l = new ArrayList<>(sets.values());
        l.sort(Comparator.comparing(e -> e.set().name()));
        return l;
    }

    public List<String> names() {
        return list().stream().map(e -> e.set().name()).toList();
    }

    public int size() {
        return sets.size();
    }

    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException(
                    "invalid_refset_name",
                    "reference set names are 1-64 characters of letters, digits, '_', '.', '-', starting with a"
                            + " letter or digit; got '" + name + "'",
                    Map.of("field", "name", "value", String.valueOf(name)));
        }
    }
}
