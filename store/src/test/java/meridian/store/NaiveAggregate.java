package meridian.store;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import meridian.testkit.NaiveRollup;

/** The store's view of the shared naive rollup: events ordered by (timestamp read with java.time, id). */
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
        var r = NaiveRollup.of(
                events,
                e -> new BigDecimal(e.value()),
                Comparator.comparing((Event e) -> LocalDateTime.parse(e.ts())).thenComparingLong(Event::id));
        return new NaiveAggregate(
                r.count(),
                r.sum(),
                r.min().doubleValue(),
                r.max().doubleValue(),
                r.first().ts(),
                r.last().ts(),
                r.last().id(),
                placeOf.apply(r.last()));
    }
}
