package meridian.cli.io;

import java.nio.charset.StandardCharsets;
import meridian.core.refs.ReferenceSet;

/**
 * Encoded text of reference places for the writers, built on first use and kept: a chunk typically
 * names the same places many times, and escaping them once keeps the write loop to array copies.
 * One instance per writer thread.
 */
final class PlaceText {
    private final ReferenceSet refs;
    private final byte[][] csv;
    private final byte[][] json;

    PlaceText(ReferenceSet refs) {
        this.refs = refs;
        this.csv = new byte[refs.size()][];
        this.json = new byte[refs.size()][];
    }

    /** {@code id,name,} escaped per RFC 4180. */
    byte[] csv(int place) {
        byte[] b = csv[place];
        if (b == null) {
            b = (csvField(refs.id(place)) + "," + csvField(refs.placeName(place)) + ",")
                    .getBytes(StandardCharsets.UTF_8);
            csv[place] = b;
        }
        return b;
    }

    /** {@code {"id":"..","name":"..","distance_km":} escaped as JSON. */
    byte[] json(int place) {
        byte[] b = json[place];
        if (b == null) {
            b = ("{\"id\":" + jsonString(refs.id(place)) + ",\"name\":" + jsonString(refs.placeName(place))
                            + ",\"distance_km\":")
                    .getBytes(StandardCharsets.UTF_8);
            json[place] = b;
        }
        return b;
    }

    static String csvField(String s) {
        boolean quote = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                quote = true;
                break;
            }
        }
        return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    static String jsonString(String s) {
        return '"'
                + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance()
                        .quoteAsString(s))
                + '"';
    }
}
