package meridian.server.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import meridian.core.enrich.Matches;
import meridian.core.enrich.RecordBatch;
import meridian.core.error.InvalidInputException;
import meridian.core.geo.Earth;
import meridian.core.refs.ReferenceSet;

/**
 * Streams records between JSON and a {@link RecordBatch}: parsing fills the batch's columns directly (no
 * object per record), writing walks the columns and the {@link Matches}. A record is
 * {@code {"id": u64, "point": {"lat": f64, "lon": f64}, "payload": [f64...]}}; {@code lat}/{@code lon} may
 * also sit at the top level of the record, {@code payload} is optional, other fields are ignored.
 *
 * <p>Output field order is fixed: {@code id, point, payload, nearest} (the reference design's order, plus
 * {@code nearest}). Every input error is an {@link InvalidInputException} naming the record index, the
 * field, the JSON line and column, and why.
 *
 * <p>Thread-safe: one codec serves all requests; per-request state lives in the {@link Reader} it creates.
 */
public final class RecordCodec {
    private static final SerializableString ID = new SerializedString("id");
    private static final SerializableString POINT = new SerializedString("point");
    private static final SerializableString LAT = new SerializedString("lat");
    private static final SerializableString LON = new SerializedString("lon");
    private static final SerializableString PAYLOAD = new SerializedString("payload");
    private static final SerializableString NEAREST = new SerializedString("nearest");
    private static final SerializableString NAME = new SerializedString("name");
    private static final SerializableString DISTANCE_KM = new SerializedString("distance_km");
    private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final JsonFactory factory;

    public RecordCodec() {
        this.factory = new JsonFactoryBuilder()
                .rootValueSeparator((String) null) // NDJSON lines must not start with a space
                // Virtual threads make Jackson's default thread-local buffer pool useless: share a bounded one.
                .recyclerPool(JsonRecyclerPools.newBoundedPool(256))
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
                .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
                .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM) // see writePayload
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
                .build();
    }

    public JsonFactory factory() {
        return factory;
    }

    /** Per-request parsing state: a reusable scratch buffer for the payload of the record being read. */
    public Reader reader() {
        return new Reader();
    }

    /** Parses a JSON array of records from a stream into {@code batch} (appending). */
    public void readArray(InputStream in, RecordBatch batch, Reader reader) throws IOException {
        try (JsonParser p = factory.createParser(in)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_ARRAY) {
                throw error(p, -1, null, "the body must be a JSON array of records, found " + describe(t));
            }
            int index = 0;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) {
                    throw error(p, index, null, "unexpected end of input: the array is not closed");
                }
                reader.readRecord(p, t, batch, index);
                index++;
            }
            if (p.nextToken() != null) {
                throw error(p, -1, null, "unexpected content after the end of the array");
            }
        } catch (JsonParseException e) {
            throw malformed(e);
        }
    }

    /** Parses one record (a JSON object on one line) from {@code buf[off, off+len)} into {@code batch}. */
    public void readOne(byte[] buf, int off, int len, RecordBatch batch, Reader reader, int index) throws IOException {
        try (JsonParser p = factory.createParser(buf, off, len)) {
            reader.readRecord(p, p.nextToken(), batch, index);
            if (p.nextToken() != null) {
                throw error(p, index, null, "unexpected content after the record");
            }
        } catch (JsonParseException e) {
            throw malformed(e);
        }
    }

    /**
     * A generator for {@link #writeArray}/{@link #writeRecord} over {@code out}. Its {@code flush()} does not
     * flush {@code out}: flush the stream yourself. Closing it does not close {@code out}.
     */
    public JsonGenerator generator(OutputStream out) throws IOException {
        return factory.createGenerator(out);
    }

    /** Writes every record of the batch with its matches as a JSON array. */
    public void writeArray(JsonGenerator g, RecordBatch batch, Matches matches, ReferenceSet set, boolean manyNearest)
            throws IOException {
        writeArray(g, batch, matches, set, manyNearest, false);
    }

    /**
     * Writes every record of the batch with its matches as a JSON array; with {@code fullPlaces} each place
     * also carries its {@code lat}, {@code lon} and the reference set's attribute columns (what a client
     * needs to draw or tabulate the answer without a second lookup).
     */
    public void writeArray(
            JsonGenerator g,
            RecordBatch batch,
            Matches matches,
            ReferenceSet set,
            boolean manyNearest,
            boolean fullPlaces)
            throws IOException {
        g.writeStartArray();
        int n = batch.size();
        for (int i = 0; i < n; i++) {
            writeRecord(g, batch, i, matches, set, manyNearest, fullPlaces);
        }
        g.writeEndArray();
    }

    /** Writes one enriched record as a JSON object. */
    public void writeRecord(
            JsonGenerator g, RecordBatch batch, int i, Matches matches, ReferenceSet set, boolean manyNearest)
            throws IOException {
        writeRecord(g, batch, i, matches, set, manyNearest, false);
    }

    /** Writes one enriched record as a JSON object, places in full or brief (see {@link #writeArray}). */
    public void writeRecord(
            JsonGenerator g,
            RecordBatch batch,
            int i,
            Matches matches,
            ReferenceSet set,
            boolean manyNearest,
            boolean fullPlaces)
            throws IOException {
        g.writeStartObject();
        g.writeFieldName(ID);
        long id = batch.id(i);
        if (id >= 0) {
            g.writeNumber(id);
        } else {
            g.writeNumber(Long.toUnsignedString(id));
        }
        g.writeFieldName(POINT);
        g.writeStartObject();
        g.writeFieldName(LAT);
        g.writeNumber(batch.lat(i));
        g.writeFieldName(LON);
        g.writeNumber(batch.lon(i));
        g.writeEndObject();
        if (batch.hasPayload(i)) {
            g.writeFieldName(PAYLOAD);
            writePayload(g, batch.payloadValues(), batch.payloadStart(i), batch.payloadEnd(i));
        }
        g.writeFieldName(NEAREST);
        int count = matches.count(i);
        if (manyNearest) {
            g.writeStartArray();
            for (int j = 0; j < count; j++) {
                writePlace(g, set, matches.place(i, j), matches.distanceKm(i, j), fullPlaces);
            }
            g.writeEndArray();
        } else if (count == 0) {
            g.writeNull();
        } else {
            writePlace(g, set, matches.place(i, 0), matches.distanceKm(i, 0), fullPlaces);
        }
        g.writeEndObject();
    }

    /**
     * Writes a payload array straight into the generator's target stream: the text is assembled in a
     * scratch byte buffer and written in one call, so the generator's per-value bookkeeping and its
     * char-to-UTF-8 copy are skipped (numbers are ASCII). A one-entry cache keeps the text of the last
     * value: every value of a payload is scaled by the same distance, so equal inputs give equal outputs,
     * and formatting a double is the costliest step of writing. Same bits, same text: the output is exactly
     * what writing the numbers one by one gives (RecordCodecTest checks it against plain Jackson).
     *
     * <p>Works because the factory does not pass {@code flush()} on to the stream: flushing only moves the
     * generator's buffered bytes into the target before ours.
     */
    private static void writePayload(JsonGenerator g, double[] values, int from, int to) throws IOException {
        byte[] buf = SCRATCH.get();
        int n = 0;
        buf[n++] = '[';
        long lastBits = 0;
        byte[] lastText = null;
        for (int j = from; j < to; j++) {
            double v = values[j];
            long bits = Double.doubleToRawLongBits(v);
            if (lastText == null || bits != lastBits) {
                if (!Double.isFinite(v)) { // not JSON: let the generator decide (it quotes NaN/Infinity)
                    writePayloadSlow(g, values, from, to);
                    return;
                }
                lastBits = bits;
                lastText = Double.toString(v).getBytes(StandardCharsets.ISO_8859_1);
            }
            int len = lastText.length;
            if (n + len + 2 > buf.length) {
                buf = grow(buf, n + len + 2);
            }
            if (j > from) {
                buf[n++] = ',';
            }
            System.arraycopy(lastText, 0, buf, n, len);
            n += len;
        }
        buf[n++] = ']';
        g.writeRawValue(""); // the generator writes the ':' and records that the field has its value
        g.flush();
        ((OutputStream) g.getOutputTarget()).write(buf, 0, n);
    }

    private static void writePayloadSlow(JsonGenerator g, double[] values, int from, int to) throws IOException {
        g.writeStartArray();
        for (int j = from; j < to; j++) {
            g.writeNumber(values[j]);
        }
        g.writeEndArray();
    }

    /** Per-thread scratch for assembling payload text; grows to the largest payload seen, capped on reuse. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[8192]);

    private static byte[] grow(byte[] buf, int needed) {
        byte[] bigger = Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
        if (bigger.length <= 1 << 20) {
            SCRATCH.set(bigger);
        }
        return bigger;
    }

    private static void writePlace(JsonGenerator g, ReferenceSet set, int place, double km, boolean full)
            throws IOException {
        g.writeStartObject();
        g.writeFieldName(ID);
        g.writeString(set.id(place));
        g.writeFieldName(NAME);
        g.writeString(set.placeName(place));
        g.writeFieldName(DISTANCE_KM);
        g.writeNumber(km);
        if (full) {
            g.writeFieldName(LAT);
            g.writeNumber(set.lat(place));
            g.writeFieldName(LON);
            g.writeNumber(set.lon(place));
            var attributes = set.attributeNames();
            for (int a = 0; a < attributes.size(); a++) {
                String v = set.attribute(place, a);
                if (v != null) {
                    g.writeStringField(attributes.get(a), v);
                }
            }
        }
        g.writeEndObject();
    }

    /** Parsing state of one request; not thread-safe. */
    public static final class Reader {
        private double[] payload = new double[64];

        private Reader() {}

        void readRecord(JsonParser p, JsonToken t, RecordBatch batch, int index) throws IOException {
            if (t != JsonToken.START_OBJECT) {
                throw error(p, index, null, "a record must be a JSON object, found " + describe(t));
            }
            long id = 0;
            boolean hasId = false;
            double lat = Double.NaN;
            double lon = Double.NaN;
            boolean hasPoint = false;
            int payloadLength = -1;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                t = p.nextToken();
                switch (field) {
                    case "id" -> {
                        id = readId(p, t, index);
                        hasId = true;
                    }
                    case "point" -> {
                        if (t != JsonToken.START_OBJECT) {
                            throw error(
                                    p,
                                    index,
                                    "point",
                                    "point must be an object {\"lat\":..,\"lon\":..}, found " + describe(t));
                        }
                        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            t = p.nextToken();
                            switch (f) {
                                case "lat" -> lat = readNumber(p, t, index, "point.lat");
                                case "lon" -> lon = readNumber(p, t, index, "point.lon");
                                default -> p.skipChildren();
                            }
                        }
                        hasPoint = true;
                    }
                    case "lat" -> {
                        lat = readNumber(p, t, index, "lat");
                        hasPoint = true;
                    }
                    case "lon" -> {
                        lon = readNumber(p, t, index, "lon");
                        hasPoint = true;
                    }
                    case "payload" -> payloadLength = readPayload(p, t, index);
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw error(p, index, null, "unexpected end of input inside a record");
            }
            if (!hasId) {
                throw error(p, index, "id", "the record has no id");
            }
            if (!hasPoint || Double.isNaN(lat) || Double.isNaN(lon)) {
                String missing = Double.isNaN(lat) ? "point.lat" : "point.lon";
                throw error(p, index, missing, "the record has no " + missing);
            }
            if (!Earth.isValidLatitude(lat)) {
                throw coordinate(p, index, "point.lat", "latitude " + lat + " is out of range [-90, 90]", lat);
            }
            if (!Earth.isValidLongitude(lon)) {
                throw coordinate(p, index, "point.lon", "longitude " + lon + " is out of range [-180, 180]", lon);
            }
            if (payloadLength < 0) {
                batch.add(id, lat, lon);
            } else {
                batch.add(id, lat, lon, payload, 0, payloadLength);
            }
        }

        private int readPayload(JsonParser p, JsonToken t, int index) throws IOException {
            if (t == JsonToken.VALUE_NULL) {
                return -1;
            }
            if (t != JsonToken.START_ARRAY) {
                throw error(p, index, "payload", "payload must be an array of numbers, found " + describe(t));
            }
            int n = 0;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                    throw error(p, index, "payload[" + n + "]", "payload values must be numbers, found " + describe(t));
                }
                if (n == payload.length) {
                    payload = Arrays.copyOf(payload, n * 2);
                }
                payload[n++] = doubleValue(p);
            }
            return n;
        }
    }

    private static long readId(JsonParser p, JsonToken t, int index) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw error(p, index, "id", "id must be an unsigned 64-bit integer, found " + describe(t));
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            BigInteger big = p.getBigIntegerValue();
            if (big.signum() < 0 || big.compareTo(U64_MAX) > 0) {
                throw error(p, index, "id", "id " + big + " is out of the unsigned 64-bit range");
            }
            return big.longValue();
        }
        long v = p.getLongValue();
        if (v < 0) {
            throw error(p, index, "id", "id " + v + " is negative; ids are unsigned 64-bit integers");
        }
        return v;
    }

    private static double readNumber(JsonParser p, JsonToken t, int index, String field) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
            throw error(p, index, field, field + " must be a number, found " + describe(t));
        }
        return doubleValue(p);
    }

    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22
    };

    /**
     * The current number token as a double. Short plain decimals ({@code -12.5}, {@code 1.0}: at most 15
     * digits, no exponent) take Clinger's fast path: the digits as an exact integer divided by an exact power
     * of ten, one correctly rounded IEEE division, so the result is the correctly rounded value of the text.
     * Anything else goes to Jackson's parser.
     */
    static double doubleValue(JsonParser p) throws IOException {
        char[] c = p.getTextCharacters();
        int i = p.getTextOffset();
        int end = i + p.getTextLength();
        boolean negative = i < end && c[i] == '-';
        if (negative) {
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int fraction = -1; // digits after the point, -1 before a point
        for (; i < end; i++) {
            char ch = c[i];
            if (ch >= '0' && ch <= '9') {
                mantissa = mantissa * 10 + (ch - '0');
                digits++;
                if (fraction >= 0) {
                    fraction++;
                }
            } else if (ch == '.' && fraction < 0) {
                fraction = 0;
            } else {
                return p.getDoubleValue(); // exponent or anything unusual
            }
        }
        if (digits == 0 || digits > 15) {
            return p.getDoubleValue();
        }
        double v = fraction > 0 ? mantissa / POW10[fraction] : (double) mantissa;
        return negative ? -v : v;
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "end of input";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }

    private static InvalidInputException coordinate(JsonParser p, int index, String field, String why, double value) {
        InvalidInputException e = error(p, index, field, why);
        Map<String, Object> detail = new LinkedHashMap<>(e.detail());
        detail.put("value", value);
        return new InvalidInputException("invalid_coordinate", e.getMessage(), detail);
    }

    private static InvalidInputException error(JsonParser p, int index, String field, String why) {
        JsonLocation loc = p.currentLocation();
        Map<String, Object> detail = new LinkedHashMap<>();
        StringBuilder msg = new StringBuilder();
        if (index >= 0) {
            detail.put("record", index);
            msg.append("record ").append(index);
        }
        if (field != null) {
            detail.put("field", field);
            msg.append(msg.isEmpty() ? "" : ", ")
                    .append("field '")
                    .append(field)
                    .append('\'');
        }
        detail.put("line", loc.getLineNr());
        detail.put("column", loc.getColumnNr());
        msg.append(msg.isEmpty() ? "" : " ")
                .append("(line ")
                .append(loc.getLineNr())
                .append(", column ")
                .append(loc.getColumnNr())
                .append("): ")
                .append(why);
        return new InvalidInputException(field == null ? "invalid_record" : "invalid_field", msg.toString(), detail);
    }

    private static InvalidInputException malformed(JsonParseException e) {
        JsonLocation loc = e.getLocation();
        Map<String, Object> detail = new LinkedHashMap<>();
        long line = loc == null ? 0 : loc.getLineNr();
        long column = loc == null ? 0 : loc.getColumnNr();
        detail.put("line", line);
        detail.put("column", column);
        return new InvalidInputException(
                "malformed_json",
                "malformed JSON at line " + line + ", column " + column + ": " + e.getOriginalMessage(),
                detail,
                e);
    }
}
