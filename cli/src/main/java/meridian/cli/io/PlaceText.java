package meridian.cli.io;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReferenceArray;
import meridian.core.refs.ReferenceSet;

/**
 * Encoded text of reference places for the writers, built on first use and kept: a chunk typically
 * names the same places many times, and escaping them once keeps the write loop to array copies.
 * Thread-safe: two threads may both encode a place the first time; either result is the same bytes.
 */
final class PlaceText {
    private final ReferenceSet refs;
    private final AtomicReferenceArray<byte[]> csv;
    private final AtomicReferenceArray<byte[]> json;

    PlaceText(ReferenceSet refs) {
        this.refs = refs;
        this.csv = new AtomicReferenceArray<>(refs.size());
        this.json = new AtomicReferenceArray<>(refs.size());
    }

    /** {@code id,name,} escaped per RFC 4180. */
    byte[] csv(int place) {
        byte[] b = csv.getAcquire(place);
        if (b == null) {
            b = (csvField(refs.id(place)) + "," + csvField(refs.placeName(place)) + ",")
                    .getBytes(StandardCharsets.UTF_8);
            csv.setRelease(place, b);
        }
        return b;
    }

    /** {@code {"id":"..","name":"..","distance_km":} escaped as JSON. */
    byte[] json(int place) {
        byte[] b = json.getAcquire(place);
        if (b == null) {
            b = ("{\"id\":" + jsonString(refs.id(place)) + ",\"name\":" + jsonString(refs.placeName(place))
                            + ",\"distance_km\":")
                    .getBytes(StandardCharsets.UTF_8);
            json.setRelease(place, b);
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
