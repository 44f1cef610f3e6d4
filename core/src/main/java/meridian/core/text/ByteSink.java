package meridian.core.text;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A growable byte buffer in front of an output stream: writers append encoded bytes here, and the
 * buffer goes to the stream in large blocks ({@link #flushIfOver}), so the hot loops never call into
 * the stream per field. Without a stream it just collects bytes (a block's output). Not thread-safe.
 */
public final class ByteSink {
    private OutputStream out;
    private byte[] a = new byte[1 << 16];
    private int n;
    private StringBuilder digits; // putDouble's scratch: StringBuilder.append(double) makes no String
    private char[] chars; // the digits taken out of it

    /** A sink that writes to {@code out}; null for one that only collects bytes in memory. */
    public ByteSink(OutputStream out) {
        this.out = out;
    }

    /** Sends later output to {@code target} (null: collect in memory); drain before switching. */
    public void target(OutputStream target) {
        this.out = target;
    }

    public int size() {
        return n;
    }

    public byte[] array() {
        return a;
    }

    public void put(byte b) {
        if (n == a.length) {
            grow(1);
        }
        a[n++] = b;
    }

    public void put(byte[] src) {
        put(src, 0, src.length);
    }

    public void put(byte[] src, int off, int len) {
        if (n + len > a.length) {
            grow(len);
        }
        System.arraycopy(src, off, a, n, len);
        n += len;
    }

    /** Appends a string known to be ASCII (numbers, literals). */
    public void putAscii(String s) {
        int len = s.length();
        if (n + len > a.length) {
            grow(len);
        }
        for (int i = 0; i < len; i++) {
            a[n++] = (byte) s.charAt(i);
        }
    }

    /**
     * Appends {@link Double#toString}'s text of {@code v} without making the string: written in place by
     * {@link ShortestDecimal} where it can (every distance in km from a metre on), else by the JDK into a
     * reused builder's array. Per distance of {@code process} this saves a String and its array (~64 bytes,
     * the largest allocation per row) and the copy out of it.
     */
    public void putDouble(double v) {
        if (!putShortest(v)) {
            putDigits(scratch().append(v));
        }
    }

    /**
     * Appends {@link Double#toString}'s text of {@code v} if {@link ShortestDecimal} writes it (a magnitude
     * from 0.001 to 32768, not a power of two) and returns true; else appends nothing and returns false.
     */
    boolean putShortest(double v) {
        if (n + 1 + ShortestDecimal.MAX_CHARS > a.length) {
            grow(1 + ShortestDecimal.MAX_CHARS);
        }
        int at = n;
        if (v < 0) {
            a[at++] = '-';
        }
        int end = ShortestDecimal.format(Math.abs(v), a, at);
        if (end < 0) {
            return false;
        }
        n = end;
        return true;
    }

    /** Appends {@link Long#toString}'s text of {@code v} without making the string, as {@link #putDouble}. */
    public void putLong(long v) {
        putDigits(scratch().append(v));
    }

    private StringBuilder scratch() {
        StringBuilder sb = digits;
        if (sb == null) {
            sb = digits = new StringBuilder(32);
        }
        sb.setLength(0);
        return sb;
    }

    /**
     * The builder's characters taken out in one bulk copy, then narrowed in a plain loop: a {@code charAt} call
     * per digit (a bounds check and the builder's coder test each) was a quarter of the distance's formatting
     * in {@code process} under the quick compiler (async-profiler, 1 M rows near the cities).
     */
    private void putDigits(StringBuilder sb) {
        int len = sb.length();
        if (n + len > a.length) {
            grow(len);
        }
        char[] c = chars;
        if (c == null || c.length < len) {
            c = chars = new char[Math.max(32, len)];
        }
        sb.getChars(0, len, c, 0);
        for (int i = 0; i < len; i++) {
            a[n + i] = (byte) c[i];
        }
        n += len;
    }

    /** Drops everything after {@code size}; used to roll back a record that turned out to be bad. */
    public void truncate(int size) {
        n = size;
    }

    /** Writes the buffer out when it holds more than {@code threshold} bytes. */
    public void flushIfOver(int threshold) throws IOException {
        if (n > threshold && out != null) {
            drain();
        }
    }

    /** Writes the buffered bytes to the stream (without flushing the stream). */
    public void drain() throws IOException {
        if (n > 0 && out != null) {
            out.write(a, 0, n);
            n = 0;
        }
    }

    private void grow(int extra) {
        long want = Math.max((long) a.length * 2, (long) n + extra);
        a = java.util.Arrays.copyOf(a, Math.toIntExact(Math.min(want, Integer.MAX_VALUE - 8)));
    }
}
