package meridian.cli.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import meridian.core.enrich.Matches;
import meridian.core.enrich.RecordBatch;
import meridian.core.error.InvalidInputException;
import meridian.core.geo.Earth;
import meridian.core.refs.ReferenceSet;

/**
 * JSON records in and out, as NDJSON (one object per line) or as one JSON array, streamed with the
 * jackson-core parser: never more than one chunk of records in memory, whatever the file size.
 *
 * <p>Every field of a record is copied to the output as read (numbers keep their text), except that
 * {@code payload} values are multiplied by the distance to the nearest place and {@code nearest} is set
 * (last field) to {@code {"id","name","distance_km"}}, an array of those for k > 1, or null when no place
 * lies within the radius. Coordinates come from {@code "point": {"lat","lon"}} or top-level
 * {@code lat}/{@code lon}.
 *
 * <p>Protocol: {@link #start}, then repeatedly {@link #read} and {@link #write} (the chunk read last), then
 * {@link #finish}. Record {@code i} of the batch is the i-th good record of the chunk; the codec keeps the
 * fields it must re-emit for that chunk only, so memory depends on the chunk size, not the input size.
 *
 * <p>Malformed JSON on an NDJSON line is a bad row like any other (skippable); in a JSON array it ends
 * the run, because the parser cannot know where the next record starts.
 */
public final class JsonCodec {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();
    /** Field names repeat from record to record: keep their encoded form (bounded). */
    private static final int MAX_CACHED_NAMES = 4096;

    private final java.util.HashMap<String, byte[]> names = new java.util.HashMap<>();

    private final boolean array;
    private final BadRows bad;
    private final int k;
    private final PlaceText places;
    private final LineReader lines; // NDJSON
    private final JsonParser stream; // JSON array
    private boolean firstOut = true;
    private boolean ended;

    /** The copied fields of the chunk's records, each field followed by a comma. */
    private final ByteSink data = new ByteSink(null);

    private int[] recStart = new int[1024];
    private int[] recEnd = new int[1024];
    private int[] payloadAt = new int[1024];
    private double[] payloadScratch = new double[16];

    // the record being read
    private long recLine;
    private String errField;
    private String errReason;
    private double pLat, pLon, tLat, tLon;
    private boolean hasPoint, hasTopLat, hasTopLon, hasPLat, hasPLon;
    private int payloadLen;
    private int payloadPos;

    public JsonCodec(InputStream in, boolean array, BadRows bad, int k, ReferenceSet refs) throws IOException {
        this(in, array, bad, k, PlaceText.json(refs), 1);
    }

    /** {@code firstLine}: the line number of the stream's first line (NDJSON blocks start mid-file). */
    JsonCodec(InputStream in, boolean array, BadRows bad, int k, PlaceText places, long firstLine) throws IOException {
        this.array = array;
        this.bad = bad;
        this.k = k;
        this.places = places;
        if (array) {
            lines = null;
            stream = FACTORY.createParser(in);
            JsonToken t = next(stream);
            if (t != JsonToken.START_ARRAY) {
                throw new InvalidInputException(
                        "invalid_json",
                        bad.source() + " line " + stream.currentTokenLocation().getLineNr()
                                + ": expected a JSON array of records ('[')",
                        Map.of("file", bad.source()));
            }
        } else {
            lines = new LineReader(in, firstLine - 1);
            stream = null;
        }
    }

    public void start(ByteSink out) {
        if (array) {
            out.put((byte) '[');
        }
    }

    public boolean read(RecordBatch batch, int maxRecords) throws IOException {
        batch.clear();
        data.truncate(0);
        boolean any = false;
        int rows = 0;
        while (rows < maxRecords) {
            int mark = data.size();
            if (array) {
                if (ended) {
                    break;
                }
                JsonToken t = next(stream);
                if (t == JsonToken.END_ARRAY) {
                    ended = true;
                    if (next(stream) != null) {
                        throw new InvalidInputException(
                                "invalid_json",
                                bad.source() + " line "
                                        + stream.currentTokenLocation().getLineNr()
                                        + ": unexpected content after the end of the array",
                                Map.of("file", bad.source()));
                    }
                    break;
                }
                any = true;
                recLine = stream.currentTokenLocation().getLineNr();
                try {
                    readRecord(stream);
                } catch (JsonProcessingException e) {
                    throw malformed(e, stream.currentLocation().getLineNr());
                }
            } else {
                if (!lines.next()) {
                    break;
                }
                any = true;
                recLine = lines.line();
                if (lines.isBlank()) {
                    continue;
                }
                try (JsonParser p = FACTORY.createParser(lines.bytes(), lines.start(), lines.length())) {
                    p.nextToken();
                    readRecord(p);
                    if (errField == null && errReason == null && p.nextToken() != null) {
                        errReason = "unexpected content after the record (one JSON object per line)";
                    }
                } catch (JsonProcessingException e) {
                    data.truncate(mark);
                    bad.reject(recLine, null, "malformed JSON: " + e.getOriginalMessage());
                    continue;
                }
            }
            if (errField != null || errReason != null) {
                data.truncate(mark);
                bad.reject(recLine, errField, errReason);
                continue;
            }
            if (rows == recStart.length) {
                recStart = Arrays.copyOf(recStart, rows * 2);
                recEnd = Arrays.copyOf(recEnd, rows * 2);
                payloadAt = Arrays.copyOf(payloadAt, rows * 2);
            }
            recStart[rows] = mark;
            recEnd[rows] = data.size();
            payloadAt[rows] = payloadPos;
            double la = hasPoint ? pLat : tLat;
            double lo = hasPoint ? pLon : tLon;
            if (payloadPos >= 0) {
                batch.add(rows, la, lo, payloadScratch, 0, payloadLen);
            } else {
                batch.add(rows, la, lo);
            }
            rows++;
        }
        return any;
    }

    private InvalidInputException malformed(JsonProcessingException e, long line) {
        return new InvalidInputException(
                "invalid_json",
                bad.source() + " line " + line + ": malformed JSON: " + e.getOriginalMessage(),
                Map.of("file", bad.source(), "line", line),
                e);
    }

    private JsonToken next(JsonParser p) throws IOException {
        try {
            return p.nextToken();
        } catch (JsonProcessingException e) {
            throw malformed(e, p.currentLocation().getLineNr());
        }
    }

    /** Reads one record (the parser is on its first token), copying its fields into {@link #data}. */
    private void readRecord(JsonParser p) throws IOException {
        errField = null;
        errReason = null;
        hasPoint = hasTopLat = hasTopLon = hasPLat = hasPLon = false;
        payloadPos = -1;
        payloadLen = 0;
        if (p.currentToken() != JsonToken.START_OBJECT) {
            errReason = "expected a JSON object, found " + describe(p.currentToken());
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "nearest" -> p.skipChildren(); // replaced by the enrichment
                case "payload" -> {
                    if (t == JsonToken.START_ARRAY) {
                        readPayload(p);
                    } else if (t == JsonToken.VALUE_NULL) {
                        copyField(name, p);
                    } else {
                        fail("payload", "must be an array of numbers, found " + describe(t));
                        p.skipChildren();
                    }
                }
                case "point" -> {
                    if (t == JsonToken.START_OBJECT) {
                        hasPoint = true;
                        readPoint(p);
                    } else {
                        fail("point", "must be an object {\"lat\": ..., \"lon\": ...}, found " + describe(t));
                        p.skipChildren();
                    }
                }
                case "lat" -> {
                    hasTopLat = true;
                    tLat = number(p, "lat");
                    copyField(name, p);
                }
                case "lon" -> {
                    hasTopLon = true;
                    tLon = number(p, "lon");
                    copyField(name, p);
                }
                default -> copyField(name, p);
            }
        }
        if (errField != null || errReason != null) {
            return;
        }
        if (hasPoint) {
            if (!hasPLat) {
                fail("point.lat", "value is missing");
            } else if (!hasPLon) {
                fail("point.lon", "value is missing");
            } else {
                checkRange("point.", pLat, pLon);
            }
        } else if (!hasTopLat && !hasTopLon) {
            fail(
                    "point",
                    "coordinates are missing: expected \"point\": {\"lat\", \"lon\"} or top-level \"lat\", \"lon\"");
        } else if (!hasTopLat) {
            fail("lat", "value is missing");
        } else if (!hasTopLon) {
            fail("lon", "value is missing");
        } else {
            checkRange("", tLat, tLon);
        }
    }

    private void checkRange(String prefix, double lat, double lon) {
        if (!Earth.isValidLatitude(lat)) {
            fail(prefix + "lat", "latitude " + lat + " is out of range [-90, 90]");
        } else if (!Earth.isValidLongitude(lon)) {
            fail(prefix + "lon", "longitude " + lon + " is out of range [-180, 180]");
        }
    }

    private void readPoint(JsonParser p) throws IOException {
        writeName("point");
        data.put((byte) '{');
        boolean first = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (!first) {
                data.put((byte) ',');
            }
            first = false;
            if (name.equals("lat")) {
                hasPLat = true;
                pLat = number(p, "point.lat");
            } else if (name.equals("lon")) {
                hasPLon = true;
                pLon = number(p, "point.lon");
            }
            writeString(name);
            data.put((byte) ':');
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
                fail("payload", "element " + n + " must be a number, found " + describe(t));
                p.skipChildren();
                continue;
            }
            if (n == payloadScratch.length) {
                payloadScratch = Arrays.copyOf(payloadScratch, n * 2);
            }
            payloadScratch[n++] = p.getDoubleValue();
        }
        payloadLen = n;
        payloadPos = data.size();
    }

    private double number(JsonParser p, String field) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            double v = p.getDoubleValue();
            if (Double.isFinite(v)) {
                return v;
            }
        }
        fail(
                field,
                "must be a number, found " + describe(t)
                        + (t == JsonToken.VALUE_STRING ? " \"" + p.getText() + "\"" : ""));
        return Double.NaN;
    }

    private void fail(String field, String reason) {
        if (errField == null && errReason == null) {
            errField = field;
            errReason = reason;
        }
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
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (names.size() < MAX_CACHED_NAMES) {
                names.put(name, encoded);
            }
        }
        data.put(encoded);
    }

    private void writeString(String s) {
        data.put((byte) '"');
        data.put(JsonStringEncoder.getInstance().quoteAsUTF8(s));
        data.put((byte) '"');
    }

    /** Copies the value at the current token, keeping numbers' text as read. */
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
            case VALUE_STRING -> writeString(p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> data.putAscii(p.getText());
            case VALUE_TRUE -> data.putAscii("true");
            case VALUE_FALSE -> data.putAscii("false");
            case VALUE_NULL -> data.putAscii("null");
            default -> throw new IllegalStateException("unexpected token " + p.currentToken());
        }
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    public void write(RecordBatch batch, Matches m, ByteSink out) throws IOException {
        byte[] d = data.array();
        double[] payload = batch.payloadValues();
        for (int i = 0; i < batch.size(); i++) {
            if (array) {
                out.put(firstOut ? (byte) '\n' : (byte) ',');
                if (!firstOut) {
                    out.put((byte) '\n');
                }
                firstOut = false;
            }
            out.put((byte) '{');
            int at = payloadAt[i];
            if (at >= 0) {
                out.put(d, recStart[i], at - recStart[i]);
                out.putAscii("\"payload\":[");
                for (int j = batch.payloadStart(i); j < batch.payloadEnd(i); j++) {
                    if (j > batch.payloadStart(i)) {
                        out.put((byte) ',');
                    }
                    out.putAscii(Double.toString(payload[j]));
                }
                out.putAscii("],");
                out.put(d, at, recEnd[i] - at);
            } else {
                out.put(d, recStart[i], recEnd[i] - recStart[i]);
            }
            out.putAscii("\"nearest\":");
            int count = m.count(i);
            if (count == 0) {
                out.putAscii("null");
            } else if (k == 1) {
                nearest(out, m, i, 0);
            } else {
                out.put((byte) '[');
                for (int j = 0; j < count; j++) {
                    if (j > 0) {
                        out.put((byte) ',');
                    }
                    nearest(out, m, i, j);
                }
                out.put((byte) ']');
            }
            out.put((byte) '}');
            if (!array) {
                out.put((byte) '\n');
            }
            out.flushIfOver(1 << 20);
        }
    }

    private void nearest(ByteSink out, Matches m, int i, int j) {
        places.put(out, m.place(i, j));
        Decimals.appendDistance(out, m.distanceKm(i, j));
        out.put((byte) '}');
    }

    public void finish(ByteSink out) {
        if (array) {
            out.putAscii(firstOut ? "]\n" : "\n]\n");
        }
    }

    /** Splits a byte stream into lines ({@code \n} or {@code \r\n}) through one reusable buffer. */
    private static final class LineReader {
        private final InputStream in;
        private byte[] buf = new byte[1 << 16];
        private int pos;
        private int limit;
        private boolean eof;
        private int start;
        private int end;
        private long line;

        LineReader(InputStream in, long linesBefore) {
            this.in = in;
            this.line = linesBefore;
        }

        boolean next() throws IOException {
            int scan = pos;
            while (true) {
                for (int i = scan; i < limit; i++) {
                    if (buf[i] == '\n') {
                        start = pos;
                        end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                        pos = i + 1;
                        line++;
                        return true;
                    }
                }
                if (eof) {
                    if (pos < limit) {
                        start = pos;
                        end = limit;
                        pos = limit;
                        line++;
                        return true;
                    }
                    return false;
                }
                scan = limit - pos;
                if (pos > 0) {
                    System.arraycopy(buf, pos, buf, 0, limit - pos);
                    limit -= pos;
                    pos = 0;
                } else if (limit == buf.length) {
                    if (buf.length >= Block.MAX_ROW_BYTES) {
                        throw new InvalidInputException(
                                "row_too_long",
                                "line " + (line + 1) + " is longer than " + Block.MAX_ROW_BYTES + " bytes",
                                Map.of("line", line + 1));
                    }
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                int r = in.read(buf, limit, buf.length - limit);
                if (r < 0) {
                    eof = true;
                } else {
                    limit += r;
                }
            }
        }

        long line() {
            return line;
        }

        byte[] bytes() {
            return buf;
        }

        int start() {
            return start;
        }

        int length() {
            return end - start;
        }

        boolean isBlank() {
            for (int i = start; i < end; i++) {
                byte c = buf[i];
                if (c != ' ' && c != '\t' && c != '\r') {
                    return false;
                }
            }
            return true;
        }
    }
}
