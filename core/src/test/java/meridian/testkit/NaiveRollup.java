package meridian.testkit;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * The test twin of core's per-user aggregate, shared by every module that checks one (the store, the service,
 * {@code meridian aggregate}): each statistic computed directly, sums in {@link BigDecimal}, the first and
 * last event by the caller's order (its timestamp, then its id). Independent of {@code UserAggregate}.
 */
public record NaiveRollup<E>(
        long count, BigDecimal sum, BigDecimal min, BigDecimal max, BigDecimal mean, double stddev, E first, E last) {

    public static <E> NaiveRollup<E> of(List<E> events, Function<E, BigDecimal> value, Comparator<E> order) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("no events");
        }
        var mc = MathContext.DECIMAL128;
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal min = null;
        BigDecimal max = null;
        for (E e : events) {
            BigDecimal v = value.apply(e);
            sum = sum.add(v);
            min = min == null || v.compareTo(min) < 0 ? v : min;
            max = max == null || v.compareTo(max) > 0 ? v : max;
        }
        BigDecimal n = BigDecimal.valueOf(events.size());
        BigDecimal mean = sum.divide(n, mc);
        BigDecimal squares = BigDecimal.ZERO;
        for (E e : events) {
            squares = squares.add(value.apply(e).subtract(mean).pow(2));
        }
        var sorted = new ArrayList<>(events);
        sorted.sort(order);
        return new NaiveRollup<>(
                events.size(),
                sum,
                min,
                max,
                mean,
                Math.sqrt(squares.divide(n, mc).doubleValue()),
                sorted.getFirst(),
                sorted.getLast());
    }
}
