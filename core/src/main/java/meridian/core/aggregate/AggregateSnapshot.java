package meridian.core.aggregate;

/**
 * An immutable view of a {@link UserAggregate}: what the service returns for a user and what the store
 * persists. {@code mean} is {@code sum / count}. {@code m2} (sum of squared deviations) is kept so that a stored aggregate can be merged with
 * new events without rereading them. For an empty aggregate ({@code count == 0}) min, max and mean are NaN
 * and the first/last fields are null or 0.
 */
public record AggregateSnapshot(
        long count,
        double sum,
        double min,
        double max,
        double mean,
        double m2,
        long firstEventId,
        long firstMicros,
        String firstTs,
        long lastEventId,
        long lastMicros,
        String lastTs,
        String lastPlaceId,
        String lastPlaceName,
        double lastPlaceKm) {

    public static final AggregateSnapshot EMPTY = new AggregateSnapshot(
            0, 0, Double.NaN, Double.NaN, Double.NaN, 0, 0, 0, null, 0, 0, null, null, null, Double.NaN);

    /** Population variance; NaN when empty. */
    public double variance() {
        return count == 0 ? Double.NaN : Math.max(0.0, m2 / count);
    }

    /** Population standard deviation; NaN when empty. */
    public double stddev() {
        return Math.sqrt(variance());
    }
}
