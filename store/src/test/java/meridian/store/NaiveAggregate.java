package meridian.store;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * The test twin of the core aggregator: sorts a user's events by (timestamp, id) with java.time and
 * computes each statistic directly, sums in BigDecimal. Independent of {@code UserAggregate}.
 */
record NaiveAggregate(
        long count,
        BigDecimal sum,
        double min,
        double max,
        String firstTs,
        String lastTs,
        long lastId,
        String lastPlace) {

    /** {@code placeOf} gives the expected nearest place id of an event (may return null). */
    static NaiveAggregate of(List<Event> events, Function<Event, String> placeOf) {
        var sorted = events.stream()
                .sorted(Comparator.comparing((Event e) -> LocalDateTime.parse(e.ts()))
                        .thenComparingLong(Event::id))
                .toList();
        BigDecimal sum = BigDecimal.ZERO;
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (Event e : events) {
            sum = sum.add(new BigDecimal(e.value()));
            min = Math.min(min, e.value());
            max = Math.max(max, e.value());
        }
        Event last = sorted.getLast();
        return new NaiveAggregate(
                events.size(), sum, min, max, sorted.getFirst().ts(), last.ts(), last.id(), placeOf.apply(last));
    }
}
