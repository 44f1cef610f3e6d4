package meridian.core.aggregate;

import meridian.core.refs.ReferenceSet;

/**
 * The running rollup of one key's events (one user, one airport, ...): count, sum, min, max, mean and
 * variance of {@code value} (Welford, merged with Chan et al.'s pairwise formula), the first and last
 * timestamps, and the nearest place of the last event.
 *
 * <p>Invariants. "First" is the event with the smallest (timestamp instant, event id), "last" the one with
 * the greatest; so count, min, max, first, last and the last place do not depend on the order in which
 * events arrive or partial aggregates are merged. The sum is Neumaier-compensated, the mean is sum / count and the
 * variance are floating point: different orders agree to rounding (exactly, for integer values whose sum
 * stays below 2^53). An aggregate with {@code count() == 0} is empty: min, max, mean are NaN and the
 * first/last fields are null.
 *
 * <p>Mutable, not thread-safe: one thread owns an aggregate while adding; {@link #merge} combines partial
 * aggregates built on different threads. {@link #add} allocates nothing.
 */
public final class UserAggregate {
    private long count;
    private double sum;
    private double sumCompensation;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double mean;
    private double m2;

    private long firstId;
    private long firstMicros;
    private String firstTs;

    private long lastId;
    private long lastMicros;
    private String lastTs;
    private String lastPlaceId;
    private String lastPlaceName;
    /*
     * Or the last place as a place of a set, its id and name read when asked for: a file's events are folded
     * one by one on one thread, and most events of a time-ordered file are their key's last so far. Making
     * the two strings for each of them was 0.12 of the 0.85 CPU-s of that thread in `aggregate` on 1 M events
     * with the bundled cities (async-profiler), and most of the garbage.
     */
    private ReferenceSet lastPlaces;
    private int lastPlace;
    private double lastPlaceKm = Double.NaN;
    /*
     * Or the last event's point, its nearest place to be found once all events are in (placeLast): only the last
     * event's place is kept, so a file's rollups need one search per key instead of one per event (50,000
     * instead of 1,000,000 for `aggregate` on the 1 M-event file with the bundled cities, BENCHMARKS.md).
     */
    private double lastLat = Double.NaN;
    private double lastLon = Double.NaN;

    /**
     * Folds in one event. {@code tsMicros} is {@link Timestamps#parseMicros} of {@code ts}, which is kept
     * as given for display, or is a mark of {@link Timestamps#plainForm} whose text is made when asked for.
     * The place fields may be null (no reference set, or none in range).
     */
    public void add(
            long eventId, double value, long tsMicros, String ts, String placeId, String placeName, double placeKm) {
        if (add(eventId, value, tsMicros, ts)) {
            lastPlaceId = placeId;
            lastPlaceName = placeName;
            lastPlaceKm = placeKm;
        }
    }

    /**
     * As {@link #add(long, double, long, String, String, String, double)} with the nearest place given as
     * the place {@code place} of {@code places}, or none when {@code places} is null.
     */
    public void add(
            long eventId, double value, long tsMicros, String ts, ReferenceSet places, int place, double placeKm) {
        if (add(eventId, value, tsMicros, ts)) {
            lastPlaces = places;
            lastPlace = place;
            lastPlaceKm = placeKm;
        }
    }

    /**
     * As {@link #add(long, double, long, String, String, String, double)} with the event's point instead of its
     * place: the last event's point is kept ({@link #lastLat}, {@link #lastLon}) for its nearest place to be set
     * once all events are in ({@link #placeLast}). NaN coordinates: no point.
     */
    public void addAt(long eventId, double value, long tsMicros, String ts, double lat, double lon) {
        if (add(eventId, value, tsMicros, ts)) {
            lastLat = lat;
            lastLon = lon;
        }
    }

    /** Sets the nearest place of the last event ({@code places} null: none): for a point given by {@link #addAt}. */
    public void placeLast(ReferenceSet places, int place, double placeKm) {
        lastPlaceId = null;
        lastPlaceName = null;
        lastPlaces = places;
        lastPlace = place;
        lastPlaceKm = placeKm;
    }

    /** Folds in one event without its place; returns whether it is now the last event (its place unset). */
    private boolean add(long eventId, double value, long tsMicros, String ts) {
        long n = ++count;
        addToSum(value, 0.0);
        if (value < min) {
            min = value;
        }
        if (value > max) {
            max = value;
        }
        double delta = value - mean;
        mean += delta / n;
        m2 += delta * (value - mean);
        if (n == 1 || before(tsMicros, eventId, firstMicros, firstId)) {
            firstMicros = tsMicros;
            firstId = eventId;
            firstTs = ts;
        }
        if (n == 1 || before(lastMicros, lastId, tsMicros, eventId)) {
            lastMicros = tsMicros;
            lastId = eventId;
            lastTs = ts;
            lastPlaceId = null;
            lastPlaceName = null;
            lastPlaces = null;
            lastPlaceKm = Double.NaN;
            lastLat = Double.NaN;
            lastLon = Double.NaN;
            return true;
        }
        return false;
    }

    /** Folds in another partial aggregate (of disjoint events); {@code other} is left unchanged. */
    public void merge(UserAggregate other) {
        if (other.count == 0) {
            return;
        }
        if (count == 0) {
            copyFrom(other);
            return;
        }
        long n = count + other.count;
        double delta = other.mean - mean;
        mean = mean + delta * ((double) other.count / n);
        m2 = m2 + other.m2 + delta * delta * ((double) count * other.count / n);
        count = n;
        addToSum(other.sum, other.sumCompensation);
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        if (before(other.firstMicros, other.firstId, firstMicros, firstId)) {
            firstMicros = other.firstMicros;
            firstId = other.firstId;
            firstTs = other.firstTs;
        }
        if (before(lastMicros, lastId, other.lastMicros, other.lastId)) {
            lastMicros = other.lastMicros;
            lastId = other.lastId;
            lastTs = other.lastTs;
            lastPlaceId = other.lastPlaceId;
            lastPlaceName = other.lastPlaceName;
            lastPlaces = other.lastPlaces;
            lastPlace = other.lastPlace;
            lastPlaceKm = other.lastPlaceKm;
            lastLat = other.lastLat;
            lastLon = other.lastLon;
        }
    }

    /** Event order: by instant, then by event id. */
    private static boolean before(long aMicros, long aId, long bMicros, long bId) {
        return aMicros < bMicros || (aMicros == bMicros && aId < bId);
    }

    /** Neumaier's compensated addition of {@code value + compensation}. */
    private void addToSum(double value, double compensation) {
        double t = sum + value;
        if (Math.abs(sum) >= Math.abs(value)) {
            sumCompensation += (sum - t) + value;
        } else {
            sumCompensation += (value - t) + sum;
        }
        sum = t;
        sumCompensation += compensation;
    }

    private void copyFrom(UserAggregate o) {
        count = o.count;
        sum = o.sum;
        sumCompensation = o.sumCompensation;
        min = o.min;
        max = o.max;
        mean = o.mean;
        m2 = o.m2;
        firstId = o.firstId;
        firstMicros = o.firstMicros;
        firstTs = o.firstTs;
        lastId = o.lastId;
        lastMicros = o.lastMicros;
        lastTs = o.lastTs;
        lastPlaceId = o.lastPlaceId;
        lastPlaceName = o.lastPlaceName;
        lastPlaces = o.lastPlaces;
        lastPlace = o.lastPlace;
        lastPlaceKm = o.lastPlaceKm;
        lastLat = o.lastLat;
        lastLon = o.lastLon;
    }

    public long count() {
        return count;
    }

    public double sum() {
        return sum + sumCompensation;
    }

    public double min() {
        return count == 0 ? Double.NaN : min;
    }

    public double max() {
        return count == 0 ? Double.NaN : max;
    }

    /**
     * The compensated sum divided by the count: closer to the exact mean than Welford's running mean, and
     * the same whatever the order for integer values. (The running mean is kept only to update {@link #m2}.)
     */
    public double mean() {
        return count == 0 ? Double.NaN : sum() / count;
    }

    /** Population variance (divides by n); 0 for a single event. */
    public double variance() {
        return count == 0 ? Double.NaN : Math.max(0.0, m2 / count);
    }

    /** Population standard deviation. */
    public double stddev() {
        return Math.sqrt(variance());
    }

    /** Sample variance (divides by n - 1); NaN below two events. */
    public double sampleVariance() {
        return count < 2 ? Double.NaN : Math.max(0.0, m2 / (count - 1));
    }

    /** Sum of squared deviations from the mean (Welford's M2); persisted so aggregates stay mergeable. */
    public double m2() {
        return m2;
    }

    public long firstEventId() {
        return firstId;
    }

    public long firstMicros() {
        return firstMicros;
    }

    public String firstTs() {
        return Timestamps.text(firstTs, firstMicros);
    }

    public long lastEventId() {
        return lastId;
    }

    public long lastMicros() {
        return lastMicros;
    }

    public String lastTs() {
        return Timestamps.text(lastTs, lastMicros);
    }

    public String lastPlaceId() {
        return lastPlaces != null ? lastPlaces.id(lastPlace) : lastPlaceId;
    }

    public String lastPlaceName() {
        return lastPlaces != null ? lastPlaces.placeName(lastPlace) : lastPlaceName;
    }

    public double lastPlaceKm() {
        return lastPlaceKm;
    }

    /** The latitude of the last event given by {@link #addAt}, NaN otherwise. */
    public double lastLat() {
        return lastLat;
    }

    /** The longitude of the last event given by {@link #addAt}, NaN otherwise. */
    public double lastLon() {
        return lastLon;
    }

    /** An immutable copy of the current state. */
    public AggregateSnapshot snapshot() {
        return new AggregateSnapshot(
                count,
                sum(),
                min(),
                max(),
                mean(),
                count == 0 ? 0.0 : m2,
                firstId,
                firstMicros,
                firstTs(),
                lastId,
                lastMicros,
                lastTs(),
                lastPlaceId(),
                lastPlaceName(),
                lastPlaceKm);
    }

    /** Rebuilds a mergeable aggregate from a snapshot (e.g. one read back from the database). */
    public static UserAggregate of(AggregateSnapshot s) {
        var a = new UserAggregate();
        if (s.count() == 0) {
            return a;
        }
        a.count = s.count();
        a.sum = s.sum();
        a.min = s.min();
        a.max = s.max();
        a.mean = s.mean();
        a.m2 = s.m2();
        a.firstId = s.firstEventId();
        a.firstMicros = s.firstMicros();
        a.firstTs = s.firstTs();
        a.lastId = s.lastEventId();
        a.lastMicros = s.lastMicros();
        a.lastTs = s.lastTs();
        a.lastPlaceId = s.lastPlaceId();
        a.lastPlaceName = s.lastPlaceName();
        a.lastPlaceKm = s.lastPlaceKm();
        return a;
    }
}
