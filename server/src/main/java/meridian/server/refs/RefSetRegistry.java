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
 * using it to the end. The default set (used when a request names none) cannot be deleted, only replaced.
 */
public final class RefSetRegistry {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /** A set and its enricher. */
    public record Entry(ReferenceSet set, Enricher enricher) {}

    private final Map<String, Entry> sets = new ConcurrentHashMap<>();
    private final String defaultName;

    public RefSetRegistry(ReferenceSet defaultSet) {
        this(defaultSet.name());
        put(defaultSet);
    }

    /** A registry whose default set is still loading: until it is {@link #put}, using it answers 503. */
    public RefSetRegistry(String defaultName) {
        checkName(defaultName);
        this.defaultName = defaultName;
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

    /** Adds or replaces a set; true if it was new. */
    public boolean put(ReferenceSet set) {
        checkName(set.name());
        return sets.put(set.name(), new Entry(set, new Enricher(set.index()))) == null;
    }

    public void delete(String name) {
        if (name.equals(defaultName)) {
            throw new ConflictException(
                    "default_refset",
                    "'" + name + "' is the default reference set and cannot be deleted (replace it with PUT instead)",
                    Map.of("name", name));
        }
        if (sets.remove(name) == null) {
            throw new NotFoundException(
                    "unknown_refset", "no reference set named '" + name + "'", Map.of("name", name));
        }
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
