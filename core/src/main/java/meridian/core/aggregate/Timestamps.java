package meridian.core.aggregate;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import meridian.core.error.Excerpt;
import meridian.core.error.InvalidInputException;

/**
 * The one timestamp rule of every face (the events API and its TCP twin, {@code meridian aggregate}, and
 * whatever reads events later): a timestamp is parsed to microseconds since the epoch, without allocating,
 * from one of two forms.
 *
 * <ul>
 *   <li><b>ISO-8601 text</b>: {@code YYYY-MM-DD}, {@code YYYY-MM-DDTHH:MM}, {@code YYYY-MM-DDTHH:MM:SS}, an
 *       optional fraction of up to nine digits (kept to the microsecond), then an optional zone: {@code Z} or
 *       {@code ±HH[:MM]}. A space may stand for the {@code T}. <b>Without an offset the time is read as
 *       UTC</b> (a "local" time, as in the flights event file): events are ordered by instant when they carry
 *       offsets and by wall-clock time when they do not, so a file should not mix the two unless its local
 *       times are UTC.
 *   <li><b>An epoch number</b>: as text (a CSV field, a JSON string) an optional sign, digits and an
 *       optional fraction, no exponent; a JSON number in any notation, which the JSON readers write out in
 *       those plain digits before parsing. Seconds and milliseconds are told apart by magnitude:
 *       <b>|n| &lt; 10<sup>11</sup> is seconds, anything larger milliseconds</b>. 10<sup>11</sup> seconds is
 *       the year 5138 and 10<sup>11</sup> milliseconds is 1973-03-03, so seconds of any realistic date and
 *       milliseconds after March 1973 are both read right; milliseconds before that are read as seconds.
 * </ul>
 *
 * <p>Anything else is refused with the same field error everywhere: {@link #RULE} after the field name.
 */
public final class Timestamps {
    private Timestamps() {}

    /** What a valid timestamp is, for error messages ("ts " + RULE + ", got '...'"), the same on every face. */
    public static final String RULE = "must be an ISO-8601 timestamp (2001-01-01T00:47:00, read as UTC, or with Z"
            + " or an offset such as +02:00) or epoch seconds or milliseconds as a number";

    /** Epoch numbers of at least this magnitude are milliseconds, smaller ones seconds (see the class comment). */
    public static final long MILLIS_FROM = 100_000_000_000L;

    /** Microseconds since 1970-01-01T00:00Z, or throws {@link InvalidInputException} naming the value. */
    public static long parseMicros(CharSequence s) {
        long v = tryParseMicros(s);
        if (v == INVALID) {
            throw new InvalidInputException(
                    "invalid_timestamp",
                    "ts " + RULE + ", got '" + Excerpt.of(String.valueOf(s)) + "'",
                    Map.of("field", "ts", "value", Excerpt.of(String.valueOf(s))));
        }
        return v;
    }

    /** Returned by {@link #tryParseMicros} for text that is not a timestamp. */
    public static final long INVALID = Long.MIN_VALUE;

    /** Like {@link #parseMicros} but returns {@link #INVALID} instead of throwing (no exception in loops). */
    public static long tryParseMicros(CharSequence s) {
        int n = s.length();
        if (n < 10 || s.charAt(4) != '-' || s.charAt(7) != '-') {
            return epochMicros(s);
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
            return INVALID;
        }
        int hour = 0, minute = 0, second = 0;
        long micros = 0;
        int p = 10;
        if (p < n && (s.charAt(p) == 'T' || s.charAt(p) == 't' || s.charAt(p) == ' ')) {
            if (n < p + 6 || s.charAt(p + 3) != ':') {
                return INVALID;
            }
            hour = digits(s, p + 1, 2);
            minute = digits(s, p + 4, 2);
            p += 6;
            if (p < n && s.charAt(p) == ':') {
                if (n < p + 3) {
                    return INVALID;
                }
                second = digits(s, p + 1, 2);
                p += 3;
                if (p < n && (s.charAt(p) == '.' || s.charAt(p) == ',')) {
                    p++;
                    int start = p;
                    long frac = 0;
                    while (p < n && p - start < 9 && isDigit(s.charAt(p))) {
                        frac = frac * 10 + (s.charAt(p) - '0');
                        p++;
                    }
                    int len = p - start;
                    if (len == 0) {
                        return INVALID;
                    }
                    for (int i = len; i < 9; i++) {
                        frac *= 10;
                    }
                    micros = frac / 1000;
                }
            }
            if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
                return INVALID;
            }
        }
        int offsetSeconds = 0;
        if (p < n) {
            char c = s.charAt(p);
            if ((c == 'Z' || c == 'z') && p + 1 == n) {
                p++;
            } else if (c == '+' || c == '-') {
                int oh, om = 0;
                if (n == p + 3) {
                    oh = digits(s, p + 1, 2);
                } else if (n == p + 6 && s.charAt(p + 3) == ':') {
                    oh = digits(s, p + 1, 2);
                    om = digits(s, p + 4, 2);
                } else if (n == p + 5) {
                    oh = digits(s, p + 1, 2);
                    om = digits(s, p + 3, 2);
                } else {
                    return INVALID;
                }
                if (oh < 0 || oh > 18 || om < 0 || om > 59) {
                    return INVALID;
                }
                offsetSeconds = (oh * 3600 + om * 60) * (c == '-' ? -1 : 1);
                p = n;
            } else {
                return INVALID;
            }
        }
        if (p != n) {
            return INVALID;
        }
        long days = daysFromCivil(year, month, day);
        long seconds = days * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        return seconds * 1_000_000L + micros;
    }

    /*
     * The two plain forms, whose text is exactly what the instant gives back: a reader of many events keeps a
     * mark instead of a string per event, and the text is made when asked for (text). `meridian aggregate`
     * made a string per event for the first/last timestamp of its key, garbage the collector met still
     * referenced from the rollups: 1 M events with the cities, young collections in all 38 / 179 ms (one)
     * against 239 / 293 ms (two); with one constant string for every event, the bound of this change,
     * 1.02-1.22 s against 1.35-1.46 s, five alternated pairs (BENCHMARKS.md).
     */

    /** Marks a timestamp written {@code YYYY-MM-DDTHH:MM:SSZ}. Compared by identity; never shown. */
    public static final String UTC_Z = new String("YYYY-MM-DDTHH:MM:SSZ");

    /** Marks a timestamp written {@code YYYY-MM-DDTHH:MM:SS}, without a zone (read as UTC). */
    public static final String UTC_PLAIN = new String("YYYY-MM-DDTHH:MM:SS");

    /**
     * The mark of the ASCII timestamp {@code b[from, to)}, which {@link #tryParseMicros} has read as valid:
     * {@link #UTC_Z} or {@link #UTC_PLAIN} when it is written in that form, else null (keep the text). A valid
     * timestamp of 19 or 20 characters with {@code T} and the two colons in place has seconds and no fraction,
     * and a 20th character {@code Z} is its zone, so its instant gives its text back exactly ({@link #text}).
     */
    public static String plainForm(byte[] b, int from, int to) {
        int n = to - from;
        if ((n != 19 && n != 20) || b[from + 10] != 'T' || b[from + 13] != ':' || b[from + 16] != ':') {
            return null;
        }
        if (n == 19) {
            return UTC_PLAIN;
        }
        return b[from + 19] == 'Z' ? UTC_Z : null;
    }

    /**
     * The text of a timestamp kept as {@code ts} with instant {@code micros}: {@code ts} itself, or for a mark
     * of {@link #plainForm} the instant written in that form.
     */
    @SuppressWarnings("StringEquality") // the marks are compared by identity on purpose
    public static String text(String ts, long micros) {
        if (ts != UTC_Z && ts != UTC_PLAIN) {
            return ts;
        }
        long seconds = Math.floorDiv(micros, 1_000_000L);
        long days = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        // the civil date of a day count (Howard Hinnant's algorithm, the inverse of daysFromCivil)
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
        byte[] t = new byte[ts == UTC_Z ? 20 : 19];
        putDigits(t, 0, year, 4);
        t[4] = '-';
        putDigits(t, 5, month, 2);
        t[7] = '-';
        putDigits(t, 8, day, 2);
        t[10] = 'T';
        putDigits(t, 11, secondOfDay / 3600, 2);
        t[13] = ':';
        putDigits(t, 14, secondOfDay / 60 % 60, 2);
        t[16] = ':';
        putDigits(t, 17, secondOfDay % 60, 2);
        if (t.length == 20) {
            t[19] = 'Z';
        }
        return new String(t, StandardCharsets.ISO_8859_1);
    }

    private static void putDigits(byte[] t, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            t[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    /** An epoch number in seconds or milliseconds (by magnitude) to microseconds, or {@link #INVALID}. */
    private static long epochMicros(CharSequence s) {
        int n = s.length();
        int p = 0;
        boolean negative = false;
        if (n > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            p = 1;
        }
        int start = p;
        long whole = 0;
        while (p < n && isDigit(s.charAt(p))) {
            if (p - start == 17) {
                return INVALID; // beyond the microsecond range of a long whatever the unit
            }
            whole = whole * 10 + (s.charAt(p) - '0');
            p++;
        }
        if (p == start) {
            return INVALID;
        }
        long fraction = 0; // in billionths of the unit
        if (p < n && s.charAt(p) == '.') {
            p++;
            int fractionStart = p;
            while (p < n && isDigit(s.charAt(p))) {
                if (p - fractionStart < 9) {
                    fraction = fraction * 10 + (s.charAt(p) - '0');
                }
                p++;
            }
            int len = p - fractionStart;
            if (len == 0) {
                return INVALID;
            }
            for (int i = len; i < 9; i++) {
                fraction *= 10;
            }
        }
        if (p != n) {
            return INVALID;
        }
        long micros;
        if (whole < MILLIS_FROM) {
            micros = whole * 1_000_000L + fraction / 1_000;
        } else if (whole <= Long.MAX_VALUE / 1_000 - 1) {
            micros = whole * 1_000L + fraction / 1_000_000;
        } else {
            return INVALID;
        }
        return negative ? -micros : micros;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int digits(CharSequence s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
    static long daysFromCivil(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }
}
