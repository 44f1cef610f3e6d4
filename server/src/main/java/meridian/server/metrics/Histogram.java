package meridian.server.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram with fixed bucket bounds (seconds). Recording is constant-time and allocation-free:
 * one binary search over a dozen bounds and two atomic adds. Counts are kept per bucket (not cumulative)
 * and summed when the exposition is written, so concurrent recorders never contend on more than one cell.
 */
public final class Histogram {
    /** Bounds in seconds: 100 us to 60 s, roughly x2.5 apart; the last bucket is +Inf. */
    public static final double[] LATENCY_BOUNDS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
    };

    private final double[] bounds;
    private final AtomicLongArray counts;
    private final LongAdder sumNanos = new LongAdder();

    public Histogram(double[] bounds) {
        this.bounds = bounds.clone();
        this.counts = new AtomicLongArray(bounds.length + 1);
    }

    public void recordNanos(long nanos) {
        double seconds = nanos / 1e9;
        int lo = 0;
        int hi = bounds.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (bounds[mid] < seconds) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        counts.incrementAndGet(lo);
        sumNanos.add(nanos);
    }

    public long count() {
        long c = 0;
        for (int i = 0; i < counts.length(); i++) {
            c += counts.get(i);
        }
        return c;
    }

    void write(StringBuilder out, String name, String labels) {
        long cumulative = 0;
        String sep = labels.isEmpty() ? "" : labels + ",";
        for (int i = 0; i < bounds.length; i++) {
            cumulative += counts.get(i);
            out.append(name)
                    .append("_bucket{")
                    .append(sep)
                    .append("le=\"")
                    .append(bounds[i])
                    .append("\"} ")
                    .append(cumulative)
                    .append('\n');
        }
        cumulative += counts.get(bounds.length);
        out.append(name)
                .append("_bucket{")
                .append(sep)
                .append("le=\"+Inf\"} ")
                .append(cumulative)
                .append('\n');
        String l = labels.isEmpty() ? "" : "{" + labels + "}";
        out.append(name)
                .append("_sum")
                .append(l)
                .append(' ')
                .append(sumNanos.sum() / 1e9)
                .append('\n');
        out.append(name)
                .append("_count")
                .append(l)
                .append(' ')
                .append(cumulative)
                .append('\n');
    }
}
