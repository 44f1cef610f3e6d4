package meridian.server.json;

import java.util.Arrays;
import meridian.core.enrich.RecordBatch;
import meridian.core.geo.Earth;
import meridian.core.text.ByteSink;
import meridian.core.text.Decimals;

/**
 * The fast path of {@link RecordCodec}'s reading: well-formed, valid records scanned straight from their
 * bytes into a batch and a {@link RecordCodec.Fields}, with exactly the result of the Jackson path.
 *
 * <p>It takes a strict subset of JSON: strings without escapes (well-formed UTF-8, no control
 * characters), nesting at most {@link #MAX_DEPTH} deep, numbers of at most {@link #MAX_NUMBER_CHARS}
 * characters, and only records that are good (coordinates present, numeric and in range; payload an array
 * of numbers or null). Anything else makes it answer false, having committed nothing, and the caller reads
 * the same bytes with Jackson, which gives the same records or the error with its line and column; so
 * errors have one source. Within the subset the output is byte for byte the Jackson path's (checked on
 * random records by {@code RecordScannerTest}): a value is copied as its text (numbers) or, for
 * containers, compactly, and a well-formed string without escapes is what Jackson would write back.
 *
 * <p>Why by hand: on the reference benchmark's 10,000-record body (3.1 MB) Jackson's token stream took
 * 10.9-11.6 ms a body on one thread, this scanner 5.4-5.7 ms ({@code RecordCodecBenchmark.read} against
 * {@code read_jackson}); reading was half of the service's CPU time on that body, and the server's CPU per
 * such request fell to 0.68-0.80x ({@code bench/enrich-10k-ab.sh}).
 *
 * <p>Not thread-safe: one per {@link RecordCodec.Fields}.
 */
final class RecordScanner {
    /** Deeper values are left to Jackson (whose limit is {@code JsonTree.MAX_DEPTH}, 64). */
    static final int MAX_DEPTH = 32;
    /** Longer numbers are left to Jackson (whose limit is 256). */
    static final int MAX_NUMBER_CHARS = 100;
    /** Longer names and strings are left to Jackson (whose limits are 1 Ki and 1 Mi characters). */
    private static final int MAX_NAME_BYTES = 1 << 10;

    private static final int MAX_STRING_BYTES = 1 << 20;

    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15
    };

    private final RecordCodec.Fields fields;
    private final ByteSink data;
    private byte[] b;
    private int pos;
    private int end;

    // the record being scanned
    private double pLat, pLon, tLat, tLon;
    private boolean hasPoint, hasPLat, hasPLon, hasTopLat, hasTopLon;
    private double[] payload = new double[64];
    private int payloadLength;
    private int payloadPos;
    // the text of the last number read, and the last member name with its quotes
    private int numFrom, numTo;
    private int nameFrom, nameTo;

    RecordScanner(RecordCodec.Fields fields, ByteSink data) {
        this.fields = fields;
        this.data = data;
    }

    /**
     * Scans a whole JSON array of records in {@code buf[off, off+len)} into {@code batch}; false (with the
     * batch and fields holding an unknown prefix, to be cleared by the caller) when the bytes are outside
     * the subset.
     */
    boolean array(byte[] buf, int off, int len, RecordBatch batch) {
        b = buf;
        pos = off;
        end = off + len;
        fields.begin();
        skipSpace();
        if (pos >= end || b[pos] != '[') {
            return false;
        }
        int more = open(']');
        while (more > 0) {
            if (!record()) {
                return false;
            }
            commit(batch);
            more = next(']');
        }
        if (more < 0) {
            return false;
        }
        skipSpace();
        return pos == end;
    }

    /**
     * Scans one record that is all of {@code buf[from, to)} (spaces around it allowed) and commits it; false,
     * with nothing committed and the fields' text rolled back, when it is outside the subset.
     */
    boolean one(byte[] buf, int from, int to, RecordBatch batch) {
        b = buf;
        pos = from;
        end = to;
        int mark = fields.begin();
        skipSpace();
        if (record()) {
            skipSpace();
            if (pos == end) {
                commit(batch);
                return true;
            }
        }
        data.truncate(mark);
        return false;
    }

    private void commit(RecordBatch batch) {
        double lat = hasPoint ? pLat : tLat;
        double lon = hasPoint ? pLon : tLon;
        fields.commit(batch, lat, lon, payloadPos, payload, payloadLength);
    }

    /** One good record from its '{' (the position is on it); the text of its fields goes to the data. */
    private boolean record() {
        if (pos >= end || b[pos] != '{') {
            return false;
        }
        hasPoint = hasPLat = hasPLon = hasTopLat = hasTopLon = false;
        payloadPos = -1;
        payloadLength = 0;
        int more = open('}');
        if (more == 0) {
            return false; // no coordinates: Jackson's path says so
        }
        while (more > 0) {
            if (!name() || !field(nameFrom, nameTo)) {
                return false;
            }
            more = next('}');
        }
        if (more < 0) {
            return false;
        }
        if (hasPoint) {
            return hasPLat && hasPLon && Earth.isValidLatitude(pLat) && Earth.isValidLongitude(pLon);
        }
        return hasTopLat && hasTopLon && Earth.isValidLatitude(tLat) && Earth.isValidLongitude(tLon);
    }

    /** The value of the field named {@code b[nameFrom, nameTo)} (quotes included), as the Jackson path reads it. */
    private boolean field(int nameFrom, int nameTo) {
        int n = nameTo - nameFrom - 2;
        byte c0 = n > 0 ? b[nameFrom + 1] : 0;
        if (n == 3 && c0 == 'l' && b[nameFrom + 2] == 'a' && b[nameFrom + 3] == 't') {
            hasTopLat = true;
            tLat = number();
            return Double.isFinite(tLat) && copyName(nameFrom, nameTo) && copyNumber() && put((byte) ',');
        }
        if (n == 3 && c0 == 'l' && b[nameFrom + 2] == 'o' && b[nameFrom + 3] == 'n') {
            hasTopLon = true;
            tLon = number();
            return Double.isFinite(tLon) && copyName(nameFrom, nameTo) && copyNumber() && put((byte) ',');
        }
        if (n == 5 && is(nameFrom, "point")) {
            return b[pos] == '{' && point();
        }
        if (n == 7 && is(nameFrom, "payload")) {
            if (b[pos] == '[') {
                return readPayload();
            }
            return literal("null") && copyName(nameFrom, nameTo) && put("null") && put((byte) ',');
        }
        if (n == 7 && is(nameFrom, "nearest")) {
            return value(false, 1); // replaced by the enrichment
        }
        if (n == 7 && is(nameFrom, "country") && fields.replacesCountry()) {
            return value(false, 1);
        }
        return copyName(nameFrom, nameTo) && value(true, 1) && put((byte) ',');
    }

    /** {@code "point": {...}}: written as {@code "point":{..},} with its fields in order, lat and lon read. */
    private boolean point() {
        hasPoint = true;
        data.put((byte) '"');
        data.putAscii("point");
        data.put((byte) '"');
        data.put((byte) ':');
        data.put((byte) '{');
        int more = open('}');
        if (more == 0) {
            return false; // no lat, no lon
        }
        boolean first = true;
        while (more > 0) {
            if (!name()) {
                return false;
            }
            int nameFrom = this.nameFrom;
            int nameTo = this.nameTo;
            if (!first) {
                data.put((byte) ',');
            }
            first = false;
            int n = nameTo - nameFrom - 2;
            if (n == 3 && is(nameFrom, "lat")) {
                hasPLat = true;
                pLat = number();
                if (!Double.isFinite(pLat) || !copyName(nameFrom, nameTo) || !copyNumber()) {
                    return false;
                }
            } else if (n == 3 && is(nameFrom, "lon")) {
                hasPLon = true;
                pLon = number();
                if (!Double.isFinite(pLon) || !copyName(nameFrom, nameTo) || !copyNumber()) {
                    return false;
                }
            } else if (!copyName(nameFrom, nameTo) || !value(true, 2)) {
                return false;
            }
            more = next('}');
        }
        if (more < 0) {
            return false;
        }
        data.put((byte) '}');
        data.put((byte) ',');
        return true;
    }

    /** A payload array of numbers into the payload; its place in the text is where the data is now. */
    private boolean readPayload() {
        int n = 0;
        int more = open(']');
        while (more > 0) {
            double v = number();
            if (Double.isNaN(v)) {
                return false;
            }
            if (n == payload.length) {
                payload = Arrays.copyOf(payload, n * 2);
            }
            payload[n++] = v;
            more = next(']');
        }
        if (more < 0) {
            return false;
        }
        payloadLength = n;
        payloadPos = data.size();
        return true;
    }

    /**
     * A JSON number at the position, its text kept in {@code [numFrom, numTo)}: the correctly rounded double
     * (infinite when beyond the range, as Jackson reads it), or NaN when there is no valid number here.
     * Up to 15 digits and no exponent: one exact division (Clinger), as {@link Decimals#jsonNumber}.
     */
    private double number() {
        final byte[] b = this.b;
        final int end = this.end;
        final int from = pos;
        int i = from;
        boolean negative = i < end && b[i] == '-';
        if (negative) {
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int c;
        while (i < end && (c = b[i] - '0') >= 0 && c <= 9) {
            mantissa = mantissa * 10 + c;
            digits++;
            i++;
        }
        int whole = digits;
        if (i < end && b[i] == '.') {
            i++;
            while (i < end && (c = b[i] - '0') >= 0 && c <= 9) {
                mantissa = mantissa * 10 + c;
                digits++;
                i++;
            }
            if (digits == whole) {
                return Double.NaN; // "1." is not a number
            }
        }
        int fraction = digits - whole;
        if (whole == 0 || (whole > 1 && b[from + (negative ? 1 : 0)] == '0')) {
            return Double.NaN; // no digit before the point, or a leading zero
        }
        if (i < end && (b[i] | 0x20) == 'e') {
            return exponent(from, i);
        }
        if (i - from > MAX_NUMBER_CHARS) {
            return Double.NaN;
        }
        pos = i;
        numFrom = from;
        numTo = i;
        if (digits > 15) {
            return Decimals.parse(b, from, i); // correctly rounded, as Jackson's
        }
        double v = fraction > 0 ? mantissa / POW10[fraction] : (double) mantissa;
        return negative ? -v : v;
    }

    /** The rest of {@link #number()} from an exponent's 'e' at {@code i}: rare, so kept out of the hot path. */
    private double exponent(int from, int i) {
        i++;
        if (i < end && (b[i] == '+' || b[i] == '-')) {
            i++;
        }
        int start = i;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        if (i == start || i - from > MAX_NUMBER_CHARS) {
            return Double.NaN;
        }
        pos = i;
        numFrom = from;
        numTo = i;
        return Decimals.parse(b, from, i); // correctly rounded, as Jackson's
    }

    /** Skips (emit false) or copies compactly (emit true) the value at the position. */
    private boolean value(boolean emit, int depth) {
        if (pos >= end) {
            return false;
        }
        byte c = b[pos];
        switch (c) {
            case '"' -> {
                int from = pos;
                if (!string(MAX_STRING_BYTES)) {
                    return false;
                }
                if (emit) {
                    data.put(b, from, pos - from);
                }
                return true;
            }
            case '{', '[' -> {
                return depth < MAX_DEPTH && container(emit, depth + 1);
            }
            case 't' -> {
                return literal("true") && (!emit || put("true"));
            }
            case 'f' -> {
                return literal("false") && (!emit || put("false"));
            }
            case 'n' -> {
                return literal("null") && (!emit || put("null"));
            }
            default -> {
                double v = number();
                if (Double.isNaN(v)) {
                    return false;
                }
                return !emit || copyNumber();
            }
        }
    }

    /** An object or an array, the position on its opening: skipped (emit false) or copied compactly. */
    private boolean container(boolean emit, int depth) {
        byte opening = b[pos];
        boolean object = opening == '{';
        char close = object ? '}' : ']';
        if (emit) {
            data.put(opening);
        }
        boolean first = true;
        int more = open(close);
        while (more > 0) {
            if (object && !name()) {
                return false;
            }
            if (emit) {
                if (!first) {
                    data.put((byte) ',');
                }
                if (object) {
                    copyName(nameFrom, nameTo);
                }
            }
            first = false;
            if (!value(emit, depth)) {
                return false;
            }
            more = next(close);
        }
        if (more < 0) {
            return false;
        }
        if (emit) {
            data.put((byte) close);
        }
        return true;
    }

    /**
     * A string from its opening quote to past its closing one: no escapes, no control characters, at most
     * {@code max} bytes, and well-formed UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).
     */
    private boolean string(int max) {
        if (pos >= end || b[pos] != '"') {
            return false;
        }
        int i = pos + 1;
        int limit = (int) Math.min(end, (long) i + max);
        while (i < limit) {
            int c = b[i];
            if (c == '"') {
                pos = i + 1;
                return true;
            }
            if (c >= 0x20 && c != '\\') { // printable ASCII (bytes are signed: >= 0x80 is negative)
                i++;
                continue;
            }
            if (c >= 0) {
                return false; // an escape or a control character: Jackson's to decide
            }
            int n = utf8Sequence(i, limit);
            if (n == 0) {
                return false;
            }
            i += n;
        }
        return false;
    }

    /** The length of the well-formed UTF-8 sequence of 2 to 4 bytes at {@code i}, or 0. */
    private int utf8Sequence(int i, int limit) {
        int lead = b[i] & 0xff;
        int n;
        int lo = 0x80;
        int hi = 0xbf;
        if (lead >= 0xc2 && lead <= 0xdf) {
            n = 2;
        } else if (lead >= 0xe0 && lead <= 0xef) {
            n = 3;
            if (lead == 0xe0) {
                lo = 0xa0;
            } else if (lead == 0xed) {
                hi = 0x9f;
            }
        } else if (lead >= 0xf0 && lead <= 0xf4) {
            n = 4;
            if (lead == 0xf0) {
                lo = 0x90;
            } else if (lead == 0xf4) {
                hi = 0x8f;
            }
        } else {
            return 0;
        }
        if (i + n > limit) {
            return 0;
        }
        int second = b[i + 1] & 0xff;
        if (second < lo || second > hi) {
            return 0;
        }
        for (int k = 2; k < n; k++) {
            int cont = b[i + k] & 0xff;
            if (cont < 0x80 || cont > 0xbf) {
                return 0;
            }
        }
        return n;
    }

    private boolean literal(String word) {
        int n = word.length();
        if (pos + n > end) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (b[pos + k] != word.charAt(k)) {
                return false;
            }
        }
        pos += n;
        return true;
    }

    private boolean is(int nameFrom, String name) {
        for (int k = 0; k < name.length(); k++) {
            if (b[nameFrom + 1 + k] != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** {@code "name":} as written by the Jackson path (the name's bytes need no escaping here). */
    private boolean copyName(int nameFrom, int nameTo) {
        data.put(b, nameFrom, nameTo - nameFrom);
        data.put((byte) ':');
        return true;
    }

    /** The last number's text. */
    private boolean copyNumber() {
        data.put(b, numFrom, numTo - numFrom);
        return true;
    }

    private boolean put(String ascii) {
        data.putAscii(ascii);
        return true;
    }

    private boolean put(byte c) {
        data.put(c);
        return true;
    }

    /**
     * A member's name and its colon, from the position (on the opening quote, as {@link #open} and {@link
     * #next} leave it) to its value (spaces skipped): the name with its quotes is {@code b[nameFrom,
     * nameTo)}. False when there is none.
     */
    private boolean name() {
        nameFrom = pos;
        if (!string(MAX_NAME_BYTES)) {
            return false;
        }
        nameTo = pos;
        skipSpace();
        if (pos >= end || b[pos] != ':') {
            return false;
        }
        pos++;
        skipSpace();
        return pos < end;
    }

    /**
     * From the opening bracket of an object or an array (the position on it): 1 when a member or an element
     * follows, the position then on it; 0, the position past it, when {@code close} follows at once. With
     * {@link #next} after each member or element, every container (empty, or members or elements separated
     * by commas) is read by the same loop: {@code more = open(close)}, while {@code more > 0} one member or
     * element and {@code more = next(close)}; then {@code more < 0} is an error.
     */
    private int open(char close) {
        pos++;
        skipSpace();
        if (pos < end && b[pos] == close) {
            pos++;
            return 0;
        }
        return 1;
    }

    /**
     * After a member or an element: 1 for a comma (another follows; the position then on it, spaces skipped),
     * 0 for {@code close}, -1 for anything else.
     */
    private int next(char close) {
        skipSpace();
        if (pos >= end) {
            return -1;
        }
        byte c = b[pos++];
        if (c == ',') {
            skipSpace();
            return 1;
        }
        return c == close ? 0 : -1;
    }

    private void skipSpace() {
        while (pos < end) {
            byte c = b[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }
}
