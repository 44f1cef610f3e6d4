package meridian.core.text;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * Number text without detours through {@code String}: a correctly rounded decimal parser for the common
 * case (at most 15 significant digits, no exponent: every GPS coordinate), falling back to
 * {@link Double#parseDouble} otherwise, for CSV bytes (and, through {@link #scaled}, the service's JSON number
 * tokens); and the number formats of the output contract (distances, payload values).
 */
public final class Decimals {
    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22
    };

    private Decimals() {}

    /**
     * Parses the ASCII decimal in {@code b[from, to)} (surrounding spaces allowed). Returns NaN when the
     * text is not a plain decimal number ({@code NaN}, {@code Infinity}, hex and Java suffixes included).
     *
     * <p>Fast path (Clinger): a mantissa of at most 15 digits is exact in a double, and so is 10^e for
     * e ≤ 22, so one IEEE multiplication or division gives the correctly rounded result.
     */
    public static double parse(byte[] b, int from, int to) {
        while (from < to && b[from] == ' ') {
            from++;
        }
        while (to > from && b[to - 1] == ' ') {
            to--;
        }
        int i = from;
        boolean neg = false;
        if (i < to && (b[i] == '-' || b[i] == '+')) {
            neg = b[i] == '-';
            i++;
        }
        long mant = 0;
        int digits = 0; // significant digits taken into mant
        int exp = 0;
        boolean any = false;
        boolean exact = true;
        boolean point = false;
        while (i < to) {
            if (b[i] == '.' && !point) {
                point = true;
                i++;
                continue;
            }
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            any = true;
            if (digits < 18) {
                mant = mant * 10 + d;
                if (mant != 0) {
                    digits++;
                }
                if (point) {
                    exp--;
                }
            } else {
                exact = false;
            }
            i++;
        }
        if (!any) {
            return Double.NaN;
        }
        if (i < to) {
            if (b[i] != 'e' && b[i] != 'E') {
                return Double.NaN;
            }
            return slow(b, from, to);
        }
        if (exact && digits <= 15 && exp >= -22) {
            double v = scaled(mant, -exp);
            return neg ? -v : v;
        }
        return slow(b, from, to);
    }

    /** The general case, after checking that the text is a plain decimal with an optional exponent. */
    private static double slow(byte[] b, int from, int to) {
        int i = from;
        if (b[i] == '-' || b[i] == '+') {
            i++;
        }
        for (; i < to; i++) {
            byte c = b[i];
            if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+')) {
                return Double.NaN;
            }
        }
        try {
            return Double.parseDouble(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * {@code mantissa / 10^fractionDigits}, correctly rounded when the mantissa is at most 2^53 and
     * {@code fractionDigits} at most 22 (Clinger's fast path: both are exact doubles, so one IEEE division
     * rounds once).
     */
    public static double scaled(long mantissa, int fractionDigits) {
        return fractionDigits > 0 ? mantissa / POW10[fractionDigits] : (double) mantissa;
    }

    /**
     * The JSON text of a payload value: {@link Double#toString} (the shortest text that reads back as the
     * same double); a non-finite value, which JSON cannot hold, as a string ({@code "Infinity"}).
     */
    public static String doubleText(double v) {
        String s = Double.toString(v);
        return Double.isFinite(v) ? s : '"' + s + '"';
    }

    /** Parses a string with the same rules as {@link #parse(byte[], int, int)}. */
    public static double parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return parse(b, 0, b.length);
    }

    /**
     * Appends a distance in km: the shortest text that reads back as the same double, in plain notation,
     * with at least 6 decimals ({@code 0.000000}, {@code 192.3334276712751}).
     */
    public static void appendDistance(ByteSink out, double km) {
        int at = out.size();
        out.putDouble(km); // Double.toString's digits, written in place
        byte[] a = out.array();
        int end = out.size();
        int dot = -1;
        for (int i = at; i < end; i++) {
            if (a[i] == '.') {
                dot = i;
            } else if (a[i] == 'E') { // below 1e-3 or from 1e7 km on (not on Earth): plain notation
                out.truncate(at);
                appendPlain(out, Double.toString(km));
                return;
            }
        }
        // Double.toString writes a point in every finite non-E form; NaN and Infinity have none
        if (dot < 0) {
            out.put((byte) '.');
        }
        for (int d = dot < 0 ? 0 : end - dot - 1; d < 6; d++) {
            out.put((byte) '0');
        }
    }

    private static void appendPlain(ByteSink out, String s) {
        if (s.indexOf('E') >= 0) {
            s = new BigDecimal(s).toPlainString();
        }
        int dot = s.indexOf('.');
        out.putAscii(s);
        int decimals = dot < 0 ? 0 : s.length() - dot - 1;
        if (dot < 0) {
            out.put((byte) '.');
        }
        for (int d = decimals; d < 6; d++) {
            out.put((byte) '0');
        }
    }

    /** The distance format as a string, for messages and tests. */
    public static String distance(double km) {
        var sink = new ByteSink(null);
        appendDistance(sink, km);
        return new String(sink.array(), 0, sink.size(), StandardCharsets.US_ASCII);
    }
}
