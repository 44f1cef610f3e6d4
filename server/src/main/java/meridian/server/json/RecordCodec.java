package meridian.server.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.RecyclerPool;
import java.io.ByteArrayInputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import meridian.core.enrich.Matches;
import meridian.core.enrich.RecordBatch;
import meridian.core.error.Excerpt;
import meridian.core.error.InvalidInputException;
import meridian.core.geo.Earth;
import meridian.core.refs.ReferenceSet;
import meridian.core.text.ByteSink;
import meridian.core.text.Decimals;

/**
 * The record contract of every face ({@code POST /enrich}, the TCP endpoint, {@code meridian process} on
 * NDJSON and JSON arrays), implemented once. See "The record contract" in {@code docs/ARCHITECTURE.md}.
 *
 * <p>In: a record is a JSON object. The engine reads its coordinates ({@code "point": {"lat", "lon"}}, or
 * top-level {@code lat}/{@code lon}) and its optional {@code payload} (an array of numbers, or null);
 * those are validated. Every other field, {@code id} included, belongs to the caller and is not
 * interpreted.
 *
 * <p>Out: every field of the record in its original order, with its value as sent (numbers keep their
 * text, {@code 12345678901234567} and {@code -0.0} included; objects and arrays are written compactly,
 * strings re-escaped), except that the payload values are the scaled doubles ({@link Decimals#doubleText})
 * and an incoming {@code nearest} is dropped; then {@code nearest} is appended: the place
 * {@code {"id","name","distance_km"}} or null for k = 1, an array of places (maybe empty) for k > 1. The
 * distance has the format of {@link Decimals#appendDistance}. When the country was asked for, {@code country}
 * follows {@code nearest} ({@link RegionText}).
 *
 * <p>Columnar, no object per record: the coordinates and payload go into a reusable {@link RecordBatch},
 * the text of the other fields into one reusable byte buffer of the {@link Fields}, with a start and an end
 * offset per record. Thread-safe: one codec serves every request; per-request state lives in a
 * {@link Fields}.
 */
public final class RecordCodec {
    private static final byte[] NEAREST = "\"nearest\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COUNTRY = ",\"country\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PAYLOAD = "\"payload\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] POINT = "\"point\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

    /** Records in the body's order are flushed to the stream in blocks of about this many bytes. */
    private static final int FLUSH_BYTES = 1 << 16;

    private final JsonFactory factory;
    private final Map<ReferenceSet, PlaceText> places = new WeakHashMap<>();
    private final Map<ReferenceSet, PlaceText> fullPlaces = new WeakHashMap<>();

    /** For virtual threads (the service): Jackson's buffers come from one bounded pool shared by all threads. */
    public RecordCodec() {
        // Virtual threads make Jackson's default thread-local buffer pool useless: share a bounded one.
        this(JsonRecyclerPools.newBoundedPool(256));
    }

    /**
     * For a few long-lived platform threads ({@code process}): per-thread buffers, no shared pool to
     * synchronize on for every line. Measured on 300,000 NDJSON lines: the shared pool cost about 12% CPU.
     */
    public static RecordCodec forPlatformThreads() {
        return new RecordCodec(JsonRecyclerPools.threadLocalPool());
    }

    private RecordCodec(RecyclerPool<BufferRecycler> buffers) {
        this.factory = new JsonFactoryBuilder()
                .recyclerPool(buffers)
                .streamReadConstraints(Json.READ_LIMITS)
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
                .build();
    }

    /** Per-request (or per-block) state for reading records and writing them back. */
    public Fields fields() {
        return new Fields();
    }

    /**
     * The encoded place text of {@code set}, built once per set (for the bundled cities about 30 ms) and
     * kept while the set is alive.
     */
    public PlaceText places(ReferenceSet set) {
        synchronized (places) {
            return places.computeIfAbsent(set, PlaceText::json);
        }
    }

    /** As {@link #places(ReferenceSet)}, the places in full ({@link PlaceText#jsonFull}). */
    public PlaceText fullPlaces(ReferenceSet set) {
        synchronized (fullPlaces) {
            return fullPlaces.computeIfAbsent(set, PlaceText::jsonFull);
        }
    }

    // ---- reading -------------------------------------------------------------------------------------

    /**
     * Parses a JSON array of records into {@code batch} and {@code fields} (both cleared first). The first
     * bad record ends the call with an {@link InvalidInputException} naming the record index, the field,
     * the JSON line and column, and why.
     */
    public void readArray(InputStream in, RecordBatch batch, Fields fields) throws IOException {
        batch.clear();
        fields.clear();
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
                if (!fields.read(p)) {
                    throw fields.error(index);
                }
                fields.commit(batch);
                index++;
            }
            if (p.nextToken() != null) {
                throw error(p, -1, null, "unexpected content after the end of the array");
            }
        } catch (JsonProcessingException | CharConversionException e) {
            throw Json.inputError(e, "malformed_json");
        }
    }

    /**
     * As {@link #readArray(InputStream, RecordBatch, Fields)}, from {@code buf[off, off+len)}: the records are
     * scanned straight from the bytes ({@link RecordScanner}) and only a body outside the scanner's subset
     * (escapes, deep nesting, a bad record, malformed JSON) is read again by Jackson, which gives the same
     * records or the error.
     */
    public void readArray(byte[] buf, int off, int len, RecordBatch batch, Fields fields) throws IOException {
        batch.clear();
        fields.clear();
        if (fields.scanner().array(buf, off, len, batch)) {
            return;
        }
        readArray(new ByteArrayInputStream(buf, off, len), batch, fields);
    }

    /**
     * Parses one record (a JSON object on one line) from {@code buf[off, off+len)}, appending it to
     * {@code batch} and {@code fields}; {@code index} names it in errors. A bad record adds nothing.
     */
    public void readOne(byte[] buf, int off, int len, RecordBatch batch, Fields fields, int index) throws IOException {
        if (fields.scanner().one(buf, off, off + len, batch)) {
            return;
        }
        try (JsonParser p = factory.createParser(buf, off, len)) {
            if (!fields.read(p)) {
                throw fields.error(index);
            }
            if (p.nextToken() != null) {
                fields.rollback();
                throw error(p, index, null, "unexpected content after the record");
            }
            fields.commit(batch);
        } catch (JsonProcessingException | CharConversionException e) {
            fields.rollback();
            throw Json.inputError(e, "malformed_json", true);
        }
    }

    /** Receives the bad records of a file: its line, the field (null for the whole record) and why. */
    @FunctionalInterface
    public interface Rejects {
        void reject(long line, String field, String reason);
    }

    /**
     * Parses the NDJSON lines in {@code buf[off, off+len)} (whole lines; the first is line
     * {@code firstLine}) into {@code batch} and {@code fields} (both cleared first). Blank lines are
     * skipped; a bad or malformed line goes to {@code bad} and adds nothing.
     */
    public void readLines(byte[] buf, int off, int len, long firstLine, RecordBatch batch, Fields fields, Rejects bad)
            throws IOException {
        batch.clear();
        fields.clear();
        long line = firstLine;
        int end = off + len;
        for (int from = off; from < end; line++) {
            int nl = from;
            while (nl < end && buf[nl] != '\n') {
                nl++;
            }
            int to = nl > from && buf[nl - 1] == '\r' ? nl - 1 : nl;
            if (!isBlank(buf, from, to) && !fields.scanner().one(buf, from, to, batch)) {
                try (JsonParser p = factory.createParser(buf, from, to - from)) {
                    if (!fields.read(p)) {
                        bad.reject(line, fields.errField, fields.errReason);
                    } else if (p.nextToken() != null) {
                        fields.rollback();
                        bad.reject(line, null, "unexpected content after the record (one JSON object per line)");
                    } else {
                        fields.commit(batch);
                    }
                } catch (JsonProcessingException e) {
                    fields.rollback();
                    bad.reject(line, null, "malformed JSON: " + Json.reason(e));
                }
            }
            from = nl + 1;
        }
    }

    /**
     * A JSON array of records read a chunk at a time, so that memory depends on the chunk size, not the
     * input size. A bad record goes to the {@link Rejects}; malformed JSON ends the run (a parser cannot
     * know where the next record starts).
     */
    public ArrayReader arrayReader(InputStream in, String source) throws IOException {
        return new ArrayReader(factory.createParser(in), source);
    }

    public static final class ArrayReader {
        private final JsonParser p;
        private final String source;
        private boolean ended;

        private ArrayReader(JsonParser p, String source) throws IOException {
            this.p = p;
            this.source = source;
            if (next() != JsonToken.START_ARRAY) {
                throw fatal(p.currentTokenLocation().getLineNr(), "expected a JSON array of records ('[')", null);
            }
        }

        /**
         * Reads up to {@code maxRecords} good records into {@code batch} and {@code fields} (both cleared
         * first); false when the array had no more records at all.
         */
        public boolean read(RecordBatch batch, Fields fields, int maxRecords, Rejects bad) throws IOException {
            batch.clear();
            fields.clear();
            boolean any = false;
            while (!ended && batch.size() < maxRecords) {
                JsonToken t = next();
                if (t == JsonToken.END_ARRAY) {
                    ended = true;
                    if (next() != null) {
                        throw fatal(
                                p.currentTokenLocation().getLineNr(),
                                "unexpected content after the end of the array",
                                null);
                    }
                    break;
                }
                if (t == null) {
                    throw fatal(
                            p.currentLocation().getLineNr(), "unexpected end of input: the array is not closed", null);
                }
                any = true;
                long line = p.currentTokenLocation().getLineNr();
                try {
                    if (fields.read(p)) {
                        fields.commit(batch);
                    } else {
                        bad.reject(line, fields.errField, fields.errReason);
                    }
                } catch (JsonProcessingException e) {
                    throw fatal(p.currentLocation().getLineNr(), "malformed JSON: " + Json.reason(e), e);
                }
            }
            return any;
        }

        private JsonToken next() throws IOException {
            try {
                return p.nextToken();
            } catch (JsonProcessingException e) {
                throw fatal(p.currentLocation().getLineNr(), "malformed JSON: " + Json.reason(e), e);
            }
        }

        private InvalidInputException fatal(long line, String why, Throwable cause) {
            Map<String, Object> detail = new LinkedHashMap<>();
            if (source != null) {
                detail.put("file", source);
            }
            detail.put("line", line);
            String where = (source == null ? "" : source + " ") + "line " + line;
            return new InvalidInputException("invalid_json", where + ": " + why, detail, cause);
        }
    }

    // ---- writing -------------------------------------------------------------------------------------

    /**
     * Writes every record of the batch with its matches as a JSON array, one record per line:
     * {@code [\n{..},\n{..}\n]\n}, or {@code []\n} when empty. Does not flush or close {@code out}.
     */
    public void writeArray(
            OutputStream out, Fields fields, RecordBatch batch, Matches matches, ReferenceSet set, boolean manyNearest)
            throws IOException {
        writeArray(out, fields, batch, matches, places(set), manyNearest);
    }

    /** As above, with the place text given ({@link #places} or {@link #fullPlaces}). */
    public void writeArray(
            OutputStream out,
            Fields fields,
            RecordBatch batch,
            Matches matches,
            PlaceText placeText,
            boolean manyNearest)
            throws IOException {
        ByteSink sink = fields.out;
        sink.target(out);
        try {
            ArrayFraming framing = new ArrayFraming();
            framing.start(sink);
            writeRecords(sink, fields, batch, matches, placeText, manyNearest, framing);
            framing.finish(sink);
            sink.drain();
        } finally {
            sink.truncate(0);
            sink.target(null);
        }
    }

    /** The separators of a JSON array written a chunk of records at a time. */
    public static final class ArrayFraming {
        private boolean first = true;

        public void start(ByteSink out) {
            out.put((byte) '[');
        }

        void beforeRecord(ByteSink out) {
            out.put((byte) (first ? '\n' : ','));
            if (!first) {
                out.put((byte) '\n');
            }
            first = false;
        }

        public void finish(ByteSink out) {
            if (!first) {
                out.put((byte) '\n');
            }
            out.put((byte) ']');
            out.put((byte) '\n');
        }
    }

    /**
     * Appends records {@code [0, batch.size())} to {@code out}: as array elements with {@code framing}, or
     * as NDJSON lines (each followed by {@code \n}) when {@code framing} is null. Drains {@code out} to its
     * stream every {@link #FLUSH_BYTES} or so.
     */
    public void writeRecords(
            ByteSink out,
            Fields fields,
            RecordBatch batch,
            Matches matches,
            PlaceText places,
            boolean manyNearest,
            ArrayFraming framing)
            throws IOException {
        int n = batch.size();
        for (int i = 0; i < n; i++) {
            if (framing != null) {
                framing.beforeRecord(out);
            }
            writeRecord(out, fields, batch, i, matches, places, manyNearest);
            if (framing == null) {
                out.put((byte) '\n');
            }
            out.flushIfOver(FLUSH_BYTES);
        }
    }

    /** Appends record {@code i} as one JSON object (no separator, no newline). */
    public void writeRecord(
            ByteSink out,
            Fields fields,
            RecordBatch batch,
            int i,
            Matches matches,
            PlaceText places,
            boolean manyNearest) {
        byte[] d = fields.data.array();
        int start = fields.recStart[i];
        int end = fields.recEnd[i];
        int at = fields.payloadAt[i];
        out.put((byte) '{');
        if (at >= 0) {
            out.put(d, start, at - start);
            out.put(PAYLOAD);
            writePayload(out, batch.payloadValues(), batch.payloadStart(i), batch.payloadEnd(i));
            out.put((byte) ',');
            out.put(d, at, end - at);
        } else {
            out.put(d, start, end - start);
        }
        out.put(NEAREST);
        int count = matches.count(i);
        if (manyNearest) {
            out.put((byte) '[');
            for (int j = 0; j < count; j++) {
                if (j > 0) {
                    out.put((byte) ',');
                }
                writePlace(out, places, matches, i, j);
            }
            out.put((byte) ']');
        } else if (count == 0) {
            out.put(NULL);
        } else {
            writePlace(out, places, matches, i, 0);
        }
        if (matches.regions() != null) {
            out.put(COUNTRY);
            RegionText.json(matches.regions().index()).put(out, matches, i);
        }
        out.put((byte) '}');
    }

    private static void writePlace(ByteSink out, PlaceText places, Matches matches, int i, int j) {
        places.put(out, matches.place(i, j));
        Decimals.appendDistance(out, matches.distanceKm(i, j));
        out.put((byte) '}');
    }

    /**
     * Writes a payload array. A one-entry cache keeps the text of the last value: every value of a payload
     * is scaled by the same distance, so equal inputs give equal outputs, and formatting a double is the
     * costliest step of writing (the 64 ones of the reference benchmark format once per record).
     */
    private static void writePayload(ByteSink out, double[] values, int from, int to) {
        out.put((byte) '[');
        long lastBits = 0;
        byte[] lastText = null;
        for (int j = from; j < to; j++) {
            long bits = Double.doubleToRawLongBits(values[j]);
            if (lastText == null || bits != lastBits) {
                lastBits = bits;
                // a product beyond the double range is written as null: JSON has no infinity
                lastText = (Double.isFinite(values[j]) ? Decimals.doubleText(values[j]) : "null")
                        .getBytes(StandardCharsets.ISO_8859_1);
            }
            if (j > from) {
                out.put((byte) ',');
            }
            out.put(lastText, 0, lastText.length); // one array copy, not a char-by-char encoding
        }
        out.put((byte) ']');
    }

    // ---- per-request state ---------------------------------------------------------------------------

    /**
     * The fields of the records read into a batch that the batch's columns do not hold, as text, plus the
     * state of the record being read and the output buffer. Record {@code i} of the batch is record
     * {@code i} here. One request (or one block of a file) at a time; reused with {@link #clear()}.
     */
    public static final class Fields {
        /** Names repeat from record to record: their encoded form is kept (bounded). */
        private static final int MAX_CACHED_NAMES = 4096;

        private final HashMap<String, byte[]> names = new HashMap<>();
        /** The copied fields of the records, each field followed by a comma. */
        private final ByteSink data = new ByteSink(null);

        private final ByteSink out = new ByteSink(null);
        private int[] recStart = new int[1024];
        private int[] recEnd = new int[1024];
        private int[] payloadAt = new int[1024]; // where the payload goes in the record's text, -1: none
        private double[] payload = new double[64];

        // the record being read
        private int mark;
        private double pLat, pLon, tLat, tLon;
        private boolean hasPoint, hasPLat, hasPLon, hasTopLat, hasTopLon;
        private int payloadLength;
        private int payloadPos;
        private String errCode;
        private String errField;
        private String errReason;
        private JsonLocation errLocation;
        private double errValue;
        private boolean replaceCountry;

        private RecordScanner scanner;

        private Fields() {}

        RecordScanner scanner() {
            if (scanner == null) {
                scanner = new RecordScanner(this, data);
            }
            return scanner;
        }

        /** Where the next record's text starts: the end of the data (nothing uncommitted is kept). */
        int begin() {
            mark = data.size();
            return mark;
        }

        boolean replacesCountry() {
            return replaceCountry;
        }

        /**
         * Whether the records will get the {@code country} of the enrichment: then an incoming {@code country}
         * is dropped, as an incoming {@code nearest} always is (one key once). Set before reading.
         */
        public void replaceCountry(boolean on) {
            replaceCountry = on;
        }

        public void clear() {
            data.truncate(0);
            mark = 0;
        }

        /** Bytes held for the current batch: callers that pool this object check it. */
        public int retainedBytes() {
            return data.array().length + out.array().length;
        }

        /**
         * Reads one record (the parser is before or on its first token); false if it is bad (then its text
         * is dropped and the first problem is kept for {@link #error}). The parser ends on the record's last
         * token either way. A good record is added by {@link #commit}.
         */
        boolean read(JsonParser p) throws IOException {
            mark = data.size();
            JsonToken t = p.currentToken() == null ? p.nextToken() : p.currentToken();
            errCode = errField = errReason = null;
            errLocation = null;
            hasPoint = hasPLat = hasPLon = hasTopLat = hasTopLon = false;
            payloadPos = -1;
            payloadLength = 0;
            if (t != JsonToken.START_OBJECT) {
                fail(p, null, "a record must be a JSON object, found " + describe(t));
                p.skipChildren();
                return false;
            }
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                t = p.nextToken();
                switch (name) {
                    case "nearest" -> p.skipChildren(); // replaced by the enrichment
                    case "country" -> {
                        if (replaceCountry) {
                            p.skipChildren();
                        } else {
                            copyField(name, p);
                        }
                    }
                    case "payload" -> {
                        if (t == JsonToken.START_ARRAY) {
                            readPayload(p);
                        } else if (t == JsonToken.VALUE_NULL) {
                            copyField(name, p);
                        } else {
                            fail(p, "payload", "payload must be an array of numbers, found " + describe(t));
                            p.skipChildren();
                        }
                    }
                    case "point" -> {
                        if (t == JsonToken.START_OBJECT) {
                            hasPoint = true;
                            readPoint(p);
                        } else {
                            fail(p, "point", "point must be an object {\"lat\":..,\"lon\":..}, found " + describe(t));
                            p.skipChildren();
                        }
                    }
                    case "lat" -> {
                        hasTopLat = true;
                        tLat = number(p, t, "lat");
                        copyField(name, p);
                    }
                    case "lon" -> {
                        hasTopLon = true;
                        tLon = number(p, t, "lon");
                        copyField(name, p);
                    }
                    default -> copyField(name, p);
                }
            }
            if (t != JsonToken.END_OBJECT) {
                fail(p, null, "unexpected end of input inside a record");
            }
            if (errReason == null) {
                checkCoordinates(p);
            }
            if (errReason != null) {
                data.truncate(mark);
                return false;
            }
            return true;
        }

        /** Adds the record just read to the batch (and its text to these fields). */
        void commit(RecordBatch batch) {
            double lat = hasPoint ? pLat : tLat;
            double lon = hasPoint ? pLon : tLon;
            commit(batch, lat, lon, payloadPos, payload, payloadLength);
        }

        /**
         * Adds a record whose text is the data since the last commit: its coordinates, and its payload's
         * values with the place of the payload in the text ({@code payloadPos}, -1 for none).
         */
        void commit(RecordBatch batch, double lat, double lon, int payloadPos, double[] payload, int payloadLength) {
            int i = batch.size();
            if (i == recStart.length) {
                recStart = Arrays.copyOf(recStart, i * 2);
                recEnd = Arrays.copyOf(recEnd, i * 2);
                payloadAt = Arrays.copyOf(payloadAt, i * 2);
            }
            recStart[i] = mark;
            recEnd[i] = data.size();
            payloadAt[i] = payloadPos;
            mark = data.size();
            if (payloadPos >= 0) {
                batch.add(i, lat, lon, payload, 0, payloadLength);
            } else {
                batch.add(i, lat, lon);
            }
        }

        /** Forgets the text of a record being read when the parser gave up on it. */
        void rollback() {
            data.truncate(mark);
        }

        private void checkCoordinates(JsonParser p) {
            if (hasPoint) {
                if (!hasPLat || !hasPLon) {
                    String missing = hasPLat ? "point.lon" : "point.lat";
                    fail(p, missing, "the record has no " + missing);
                } else {
                    checkRange(p, "point.", pLat, pLon);
                }
            } else if (!hasTopLat && !hasTopLon) {
                fail(
                        p,
                        "point",
                        "the record has no coordinates: expected \"point\": {\"lat\", \"lon\"} or top-level \"lat\", \"lon\"");
            } else if (!hasTopLat || !hasTopLon) {
                String missing = hasTopLat ? "lon" : "lat";
                fail(p, missing, "the record has no " + missing);
            } else {
                checkRange(p, "", tLat, tLon);
            }
        }

        private void checkRange(JsonParser p, String prefix, double lat, double lon) {
            if (!Earth.isValidLatitude(lat)) {
                fail(p, prefix + "lat", "latitude " + lat + " is out of range [-90, 90]");
                errCode = "invalid_coordinate";
                errValue = lat;
            } else if (!Earth.isValidLongitude(lon)) {
                fail(p, prefix + "lon", "longitude " + lon + " is out of range [-180, 180]");
                errCode = "invalid_coordinate";
                errValue = lon;
            }
        }

        private void readPoint(JsonParser p) throws IOException {
            data.put(POINT);
            data.put((byte) '{');
            boolean first = true;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (!first) {
                    data.put((byte) ',');
                }
                first = false;
                if (name.equals("lat")) {
                    hasPLat = true;
                    pLat = number(p, t, "point.lat");
                } else if (name.equals("lon")) {
                    hasPLon = true;
                    pLon = number(p, t, "point.lon");
                }
                writeName(name);
                copyValue(p);
            }
            data.put((byte) '}');
            data.put((byte) ',');
        }

        private void readPayload(JsonParser p) throws IOException {
            int n = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                    fail(p, "payload[" + n + "]", "payload values must be numbers, found " + describe(t));
                    p.skipChildren();
                    continue;
                }
                if (n == payload.length) {
                    payload = Arrays.copyOf(payload, n * 2);
                }
                payload[n++] = jsonNumber(p);
            }
            payloadLength = n;
            payloadPos = data.size();
        }

        private double number(JsonParser p, JsonToken t, String field) throws IOException {
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                double v = jsonNumber(p);
                if (Double.isFinite(v)) {
                    return v;
                }
                // a number beyond the doubles (1e999): not "found a number"
                fail(p, field, field + " must be a finite number, got " + Excerpt.of(p.getText()));
                return Double.NaN;
            }
            fail(
                    p,
                    field,
                    field + " must be a number, found " + describe(t)
                            + (t == JsonToken.VALUE_STRING ? " \"" + Excerpt.of(p.getText()) + "\"" : ""));
            return Double.NaN;
        }

        private void fail(JsonParser p, String field, String reason) {
            if (errReason == null) {
                errCode = field == null ? "invalid_record" : "invalid_field";
                errField = field;
                errReason = reason;
                errLocation = p.currentLocation();
            }
        }

        /** The first problem of the last bad record, as the service reports it. */
        InvalidInputException error(int index) {
            InvalidInputException e = RecordCodec.error(errLocation, index, errField, errReason);
            if (!errCode.equals("invalid_coordinate")) {
                return e;
            }
            Map<String, Object> detail = new LinkedHashMap<>(e.detail());
            detail.put("value", errValue);
            return new InvalidInputException(errCode, e.getMessage(), detail);
        }

        private void copyField(String name, JsonParser p) throws IOException {
            writeName(name);
            copyValue(p);
            data.put((byte) ',');
        }

        private void writeName(String name) {
            byte[] encoded = names.get(name);
            if (encoded == null) {
                encoded = ('"' + new String(JsonStringEncoder.getInstance().quoteAsString(name)) + "\":")
                        .getBytes(StandardCharsets.UTF_8);
                if (names.size() < MAX_CACHED_NAMES) {
                    names.put(name, encoded);
                }
            }
            data.put(encoded);
        }

        /** Copies the value at the current token: numbers keep their text, containers are written compactly. */
        private void copyValue(JsonParser p) throws IOException {
            switch (p.currentToken()) {
                case START_OBJECT -> {
                    data.put((byte) '{');
                    boolean first = true;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        if (!first) {
                            data.put((byte) ',');
                        }
                        first = false;
                        writeName(p.currentName());
                        p.nextToken();
                        copyValue(p);
                    }
                    data.put((byte) '}');
                }
                case START_ARRAY -> {
                    data.put((byte) '[');
                    boolean first = true;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        if (!first) {
                            data.put((byte) ',');
                        }
                        first = false;
                        copyValue(p);
                    }
                    data.put((byte) ']');
                }
                case VALUE_STRING -> {
                    data.put((byte) '"');
                    data.put(JsonStringEncoder.getInstance().quoteAsUTF8(p.getText()));
                    data.put((byte) '"');
                }
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                    char[] c = p.getTextCharacters(); // ASCII: digits, sign, point, exponent
                    int from = p.getTextOffset();
                    int to = from + p.getTextLength();
                    for (int i = from; i < to; i++) {
                        data.put((byte) c[i]);
                    }
                }
                case VALUE_TRUE -> data.putAscii("true");
                case VALUE_FALSE -> data.putAscii("false");
                case VALUE_NULL -> data.put(NULL);
                default -> throw new IllegalStateException("unexpected token " + p.currentToken());
            }
        }
    }

    // ---- shared helpers ------------------------------------------------------------------------------

    /** What a token is, for messages: "an object", "a string", "end of input"... */
    public static String describe(JsonToken t) {
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

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c != ' ' && c != '\t' && c != '\r') {
                return false;
            }
        }
        return true;
    }

    private static InvalidInputException error(JsonParser p, int index, String field, String why) {
        return error(p.currentLocation(), index, field, why);
    }

    private static InvalidInputException error(JsonLocation loc, int index, String field, String why) {
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

    /**
     * The current JSON number token as a double. Short plain decimals ({@code -12.5}, {@code 1.0}: at most
     * 15 digits, no exponent) take the same fast path as {@link Decimals#parse(byte[], int, int)} on the parser's
     * characters; anything else goes to Jackson's parser.
     */
    private static double jsonNumber(JsonParser p) throws IOException {
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
        double v = Decimals.scaled(mantissa, Math.max(0, fraction));
        return negative ? -v : v;
    }
}
