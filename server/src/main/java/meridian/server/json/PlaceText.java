package meridian.server.json;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import meridian.core.refs.ReferenceSet;

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
        return build(refs, true);
    }

    /** <code>{"id":"..","name":"..","distance_km":</code> escaped as JSON, ready for the distance. */
    public static PlaceText json(ReferenceSet refs) {
        return build(refs, false);
    }

    public void put(ByteSink out, int place) {
        out.put(text, start[place], start[place + 1] - start[place]);
    }

    private static PlaceText build(ReferenceSet refs, boolean csv) {
        int n = refs.size();
        int[] start = new int[n + 1];
        byte[] text = new byte[Math.max(16, n * 32)];
        int at = 0;
        for (int i = 0; i < n; i++) {
            String s = csv
                    ? csvField(refs.id(i)) + "," + csvField(refs.placeName(i)) + ","
                    : "{\"id\":" + jsonString(refs.id(i)) + ",\"name\":" + jsonString(refs.placeName(i))
                            + ",\"distance_km\":";
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (at + b.length > text.length) {
                text = Arrays.copyOf(text, Math.max(at + b.length, text.length * 2));
            }
            System.arraycopy(b, 0, text, at, b.length);
            at += b.length;
            start[i + 1] = at;
        }
        return new PlaceText(Arrays.copyOf(text, at), start);
    }

    private static String csvField(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return '"' + s.replace("\"", "\"\"") + '"';
            }
        }
        return s;
    }

    private static String jsonString(String s) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    }
}
