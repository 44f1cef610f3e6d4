package meridian.cli.aggregate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import meridian.core.aggregate.Aggregator;
import meridian.core.aggregate.UserAggregate;

/**
 * Writes rollups as CSV, one row per key in key order: the key column, then {@link #COLUMNS}. Numbers are
 * written in plain decimal, shortest form that reads back to the same double; empty fields for "none"
 * (no place).
 */
public final class RollupCsv {
    public static final String COLUMNS =
            "count,sum,min,max,mean,first_ts,last_ts,last_place_id,last_place_name,last_place_km,stddev";

    private RollupCsv() {}

    public static void write(Aggregator aggregator, String keyColumn, Writer out) {
        try {
            out.write(field(keyColumn) + "," + COLUMNS + "\n");
            var sb = new StringBuilder(256);
            for (String key : aggregator.sortedKeys()) {
                UserAggregate a = aggregator.get(key);
                sb.setLength(0);
                sb.append(field(key)).append(',');
                sb.append(a.count()).append(',');
                sb.append(number(a.sum())).append(',');
                sb.append(number(a.min())).append(',');
                sb.append(number(a.max())).append(',');
                sb.append(number(a.mean())).append(',');
                sb.append(field(a.firstTs())).append(',');
                sb.append(field(a.lastTs())).append(',');
                sb.append(field(a.lastPlaceId())).append(',');
                sb.append(field(a.lastPlaceName())).append(',');
                sb.append(number(a.lastPlaceKm())).append(',');
                sb.append(number(a.stddev())).append('\n');
                out.write(sb.toString());
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String number(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        double abs = Math.abs(v);
        if (abs >= 1e-3 && abs < 1e7) {
            // Double.toString writes plain notation in this range, and BigDecimal.valueOf(v) is that text
            // read back with its scale, so toPlainString would give the same characters: 4-5 numbers of each
            // of the 50,000 rollups skip a BigDecimal (RollupCsv.write was ~7% of `aggregate`'s CPU)
            return Double.toString(v);
        }
        if (abs >= 1e-4 && abs < 1e15) {
            return BigDecimal.valueOf(v).toPlainString();
        }
        return Double.toString(v);
    }

    /** RFC 4180: quoted when it holds a comma, quote or line break. */
    static String field(String s) {
        if (s == null) {
            return "";
        }
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
