package meridian.core.refs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One text column of a {@link ReferenceSet} (its ids, names or one attribute): the values' UTF-8 bytes in one
 * array and where each value starts, a {@code String} made only when a value is asked for. Why: the bundled
 * cities' four columns were 800k strings, and making them at start (~65 ms of CPU), then copying them
 * through the young collections as the heap grew from 8 MB (~180 ms), was a quarter of the service's
 * start-up CPU (profiled; BENCHMARKS.md, start-up with the cities); the cities' heap after a full
 * collection is 42 MB instead of 81. The answers' hot paths do not read these strings: they copy the text
 * the service encodes once per set ({@code PlaceText}).
 *
 * <p>Invariants: immutable. Value {@code i} is {@code utf8[start(i), start(i + 1))}; {@code starts[i]} holds
 * that start, or its complement ({@code ~start}, negative) when value {@code i} is null (no bytes then).
 * {@code starts[size]} is the length of the text.
 */
final class TextColumn {
    private final byte[] utf8;
    private final int[] starts; // size + 1

    private TextColumn(byte[] utf8, int[] starts) {
        this.utf8 = utf8;
        this.starts = starts;
    }

    /** The first {@code n} of these values (nulls kept). */
    static TextColumn of(String[] values, int n) {
        int[] starts = new int[n + 1];
        byte[] text = new byte[Math.max(16, n * 8)];
        int at = 0;
        for (int i = 0; i < n; i++) {
            if (values[i] == null) {
                starts[i] = ~at;
                continue;
            }
            starts[i] = at;
            byte[] b = values[i].getBytes(StandardCharsets.UTF_8);
            if (at + b.length > text.length) {
                text = Arrays.copyOf(text, Math.max(at + b.length, 2 * text.length));
            }
            System.arraycopy(b, 0, text, at, b.length);
            at += b.length;
        }
        starts[n] = at;
        return new TextColumn(Arrays.copyOf(text, at), starts);
    }

    /**
     * A column as a snapshot stores it: {@code offsets} (n + 1, taken and rewritten in place) give each
     * value's start in {@code utf8}, -1 for a null value, and the text's length last.
     */
    static TextColumn fromOffsets(byte[] utf8, int[] offsets) {
        int n = offsets.length - 1;
        if (offsets[n] != utf8.length) {
            throw new IllegalArgumentException(
                    "text column of " + utf8.length + " bytes, offsets end at " + offsets[n]);
        }
        int next = offsets[n];
        for (int i = n - 1; i >= 0; i--) {
            int o = offsets[i];
            if (o < 0) {
                offsets[i] = ~next; // a null takes no bytes: it starts where the next value does
            } else if (o > next) {
                throw new IllegalArgumentException("text column offsets out of order at value " + i);
            } else {
                next = o;
            }
        }
        return new TextColumn(utf8, offsets);
    }

    int size() {
        return starts.length - 1;
    }

    /** Value {@code i}'s UTF-8 bytes (a copy), or null. */
    byte[] utf8(int i) {
        int from = starts[i];
        if (from < 0) {
            return null;
        }
        int to = starts[i + 1];
        return Arrays.copyOfRange(utf8, from, to < 0 ? ~to : to);
    }

    /** Value {@code i}, or null. */
    String get(int i) {
        int from = starts[i];
        if (from < 0) {
            return null;
        }
        int to = starts[i + 1];
        to = to < 0 ? ~to : to;
        return new String(utf8, from, to - from, StandardCharsets.UTF_8);
    }
}
