package meridian.server.json;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import meridian.core.refs.ReferenceSet;
import meridian.core.text.ByteSink;

/**
 * The encoded text every output row repeats for its nearest place, for all places of a set, built once
 * in one pass and stored in one contiguous array: the write loops then copy bytes instead of encoding
 * strings, and reading the text of random places touches one array instead of scattered strings.
 * Immutable after construction, so workers share one instance.
 */
public final class PlaceText {
    private final byte[] text;
    private final int[] start; // place i is text[start[i], start[i + 1])

    private PlaceText(byte[] text, int[] start) {
        this.text = text;
        this.start = start;
    }

    /** {@code id,name,} escaped per RFC 4180, ready to be followed by the distance. */
    public static PlaceText csv(ReferenceSet refs) {
        return buildCsv(refs);
    }

    /** <code>{"id":"..","name":"..","distance_km":</code> escaped as JSON, ready for the distance. */
    public static PlaceText json(ReferenceSet refs) {
        return buildJson(refs, false);
    }

    /**
     * As {@link #json}, each place also carrying its {@code lat}, {@code lon} and the set's attribute columns
     * (what a client needs to draw or tabulate the answer without a second lookup): {@code /enrich?places=full}.
     */
    public static PlaceText jsonFull(ReferenceSet refs) {
        return buildJson(refs, true);
    }

    public void put(ByteSink out, int place) {
        out.put(text, start[place], start[place + 1] - start[place]);
    }

    /**
     * Reads the first and last byte of a place's text and returns them (the caller keeps the result, so
     * the reads stay): called for a run of rows' places before writing them, the cache misses of those
     * random places overlap instead of stalling the writing one by one. With the bundled cities (5 MB of
     * text, an L2 of 1 MB) {@link #put} was 14.6% of a 5 M-row run's CPU, more than the row's own bytes.
     */
    public int touch(int place) {
        return text[start[place]] + text[start[place + 1] - 1];
    }

    /**
     * Bytes straight from the set's columns into the array, no string per place: the bundled cities' text
     * (200k places) is built inside every {@code process} run, on its main thread before the first row. With
     * a concatenated string per place it took 4.5% of the CPU of a 1 M-row run (async-profiler), with a string
     * per field (decoded, then encoded again) 56 ms of the main thread, with the column's bytes 33 ms. A loop
     * of its own, apart from the JSON one: its one pass is compiled on the stack, and with the JSON strings'
     * code in the same loop that compile was 126-149 ms of the C2 thread in each 1 M-row run (JFR).
     */
    private static PlaceText buildCsv(ReferenceSet refs) {
        int n = refs.size();
        int[] start = new int[n + 1];
        byte[] text = new byte[Math.max(16, n * 32)];
        int at = 0;
        for (int i = 0; i < n; i++) {
            byte[] id = refs.idUtf8(i);
            byte[] name = refs.placeNameUtf8(i);
            int most = at + 2 * (id.length + name.length) + 6; // every byte a quote, plus quotes and commas
            if (most > text.length) {
                text = Arrays.copyOf(text, Math.max(most, text.length * 2));
            }
            at = putCsvField(text, at, id);
            text[at++] = ',';
            at = putCsvField(text, at, name);
            text[at++] = ',';
            start[i + 1] = at;
        }
        return new PlaceText(Arrays.copyOf(text, at), start);
    }

    /**
     * As {@link #buildCsv}, bytes straight from the set's columns, escaped as {@link #jsonString} escapes
     * (checked against it by {@code PlaceTextTest}): the bundled cities' text in ~20 ms where a string per
     * place, encoded by Jackson and then to bytes, took 80 ms of the reading thread before the first row of
     * an NDJSON {@code process}, and of the first {@code /enrich} or TCP record a service answers from the set.
     */
    private static PlaceText buildJson(ReferenceSet refs, boolean full) {
        int n = refs.size();
        int[] start = new int[n + 1];
        byte[] text = new byte[Math.max(16, n * 48)];
        int at = 0;
        for (int i = 0; i < n; i++) {
            byte[] id = refs.idUtf8(i);
            byte[] name = refs.placeNameUtf8(i);
            byte[] tail = full ? fullTail(refs, i).getBytes(StandardCharsets.UTF_8) : EMPTY;
            // every byte escaped in six bytes at worst (a backslash, u and four hex digits), plus the fixed text
            int most = at + 6 * (id.length + name.length) + tail.length + ID.length + NAME.length + DISTANCE.length + 4;
            if (most > text.length) {
                text = Arrays.copyOf(text, Math.max(most, text.length * 2));
            }
            at = put(text, at, ID);
            at = putJsonString(text, at, id);
            at = put(text, at, NAME);
            at = putJsonString(text, at, name);
            at = put(text, at, tail);
            at = put(text, at, DISTANCE);
            start[i + 1] = at;
        }
        return new PlaceText(Arrays.copyOf(text, at), start);
    }

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] ID = "{\"id\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NAME = ",\"name\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DISTANCE = ",\"distance_km\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private static int put(byte[] text, int at, byte[] b) {
        System.arraycopy(b, 0, text, at, b.length);
        return at + b.length;
    }

    /**
     * A JSON string of UTF-8 bytes into {@code text} at {@code at} (room checked by the caller): the quote, the
     * backslash and the control characters escaped as Jackson escapes them (a short escape such as backslash-n,
     * else backslash-u and four hex digits), every other byte, UTF-8 sequences included, as it is.
     */
    private static int putJsonString(byte[] text, int at, byte[] f) {
        text[at++] = '"';
        for (byte c : f) {
            if ((c & 0xFF) >= 0x20 && c != '"' && c != '\\') {
                text[at++] = c;
                continue;
            }
            text[at++] = '\\';
            switch (c) {
                case '"', '\\' -> text[at++] = c;
                case '\b' -> text[at++] = 'b';
                case '\t' -> text[at++] = 't';
                case '\n' -> text[at++] = 'n';
                case '\f' -> text[at++] = 'f';
                case '\r' -> text[at++] = 'r';
                default -> {
                    text[at++] = 'u';
                    text[at++] = '0';
                    text[at++] = '0';
                    text[at++] = HEX[(c >> 4) & 0xF];
                    text[at++] = HEX[c & 0xF];
                }
            }
        }
        text[at++] = '"';
        return at;
    }

    /** {@link #csvField} on UTF-8 bytes, into {@code text} at {@code at} (room checked by the caller). */
    private static int putCsvField(byte[] text, int at, byte[] f) {
        boolean quote = false;
        for (byte c : f) {
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                quote = true;
                break;
            }
        }
        if (!quote) {
            System.arraycopy(f, 0, text, at, f.length);
            return at + f.length;
        }
        text[at++] = '"';
        for (byte c : f) {
            if (c == '"') {
                text[at++] = '"';
            }
            text[at++] = c;
        }
        text[at++] = '"';
        return at;
    }

    /** {@code ,"lat":..,"lon":..} and each attribute the place has, as JSON strings. */
    private static String fullTail(ReferenceSet refs, int i) {
        StringBuilder sb = new StringBuilder();
        sb.append(",\"lat\":").append(refs.lat(i)).append(",\"lon\":").append(refs.lon(i));
        var names = refs.attributeNames();
        for (int a = 0; a < names.size(); a++) {
            String v = refs.attribute(i, a);
            if (v != null) {
                sb.append(',').append(jsonString(names.get(a))).append(':').append(jsonString(v));
            }
        }
        return sb.toString();
    }

    static String csvField(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return '"' + s.replace("\"", "\"\"") + '"';
            }
        }
        return s;
    }

    static String jsonString(String s) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    }
}
