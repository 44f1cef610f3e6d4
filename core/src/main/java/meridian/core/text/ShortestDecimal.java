package meridian.core.text;

/**
 * {@link Double#toString}'s text of a double between 0.001 and 32768 (every distance on Earth in km from a
 * metre on), written with 64-bit integer steps only: the free-format digit generation of Steele and White
 * (Dragon4), which stops at the first digit where the decimal so far, or the one above it, rounds back to
 * the double, and keeps the nearer of the two (the even one on a tie), as {@link Double#toString} does.
 *
 * <p>In this range the double is m / 2^q with m below 2^53 and 38 <= q <= 62, so its fraction and the half
 * gap to each neighbour are integers in units of 2^-(q+1), and a decimal digit is one multiplication by 5
 * and a halving of the unit (a shift): no 128-bit product, which the quick compiler (C1) does not make an
 * intrinsic of. The JDK's own shortest-digit code took ~15% of {@code process}'s worker time under C1
 * (async-profiler, 1 M rows near the cities). Powers of two (whose gap below is half the gap above) and
 * anything outside the range are left to the caller.
 */
final class ShortestDecimal {
    /** The longest text written: five integer digits, the point, up to 21 fraction digits. */
    static final int MAX_CHARS = 32;

    private ShortestDecimal() {}

    /**
     * Writes {@code v}'s {@link Double#toString} text into {@code buf} from {@code at} (room for
     * {@link #MAX_CHARS} needed) and returns where it ends, or returns -1 (what was written does not count)
     * when {@code v} is outside [0.001, 32768) or a power of two.
     */
    static int format(double v, byte[] buf, int at) {
        if (!(v >= 1e-3 && v < 32768.0)) {
            return -1;
        }
        long bits = Double.doubleToRawLongBits(v);
        long m = bits & ((1L << 52) - 1);
        if (m == 0) {
            return -1;
        }
        m |= 1L << 52;
        int q = 1075 - (int) (bits >>> 52); // v = m / 2^q
        long whole = m >>> q;
        // the fraction and the half gap in units of 2^-(q+1); S = 2^s is one
        long r = (m & ((1L << q) - 1)) << 1;
        long half = 1;
        int s = q + 1;
        boolean even = (m & 1) == 0; // a decimal exactly halfway reads back as the even m: the bounds count
        // the integer part: below 32768, at most five digits
        int w = (int) whole;
        int div = w >= 10_000 ? 10_000 : w >= 1000 ? 1000 : w >= 100 ? 100 : w >= 10 ? 10 : 1;
        for (; div > 0; div /= 10) {
            buf[at++] = (byte) ('0' + w / div % 10);
        }
        buf[at++] = '.';
        int first = at;
        while (true) {
            // r < S; times ten with S halved: r * 5 stays below 2^63 (r < 2^54 at first, then below S)
            r *= 5;
            half *= 5;
            s--;
            int d = (int) (r >>> s);
            long unit = 1L << s;
            r &= unit - 1;
            boolean low = even ? r <= half : r < half; // the digits so far read back as v
            boolean high = even ? r + half >= unit : r + half > unit; // and so do they one unit up
            if (low || high) {
                if (high && (!low || 2 * r > unit || (2 * r == unit && (d & 1) == 1))) {
                    d++;
                }
                if (d == 10) {
                    return -1; // a carry into the digits before: left to the caller (not met in tests)
                }
                buf[at++] = (byte) ('0' + d);
                return at;
            }
            buf[at++] = (byte) ('0' + d);
            if (at - first > 24) {
                return -1; // cannot happen for a double; a bound on the loop all the same
            }
        }
    }
}
