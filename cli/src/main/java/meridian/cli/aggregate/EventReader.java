package meridian.cli.aggregate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import meridian.cli.io.BadRows;
import meridian.core.aggregate.Timestamps;
import meridian.core.csv.CsvHeader;
import meridian.core.csv.CsvParser;
import meridian.core.error.Excerpt;
import meridian.core.error.InvalidInputException;
import meridian.core.geo.Earth;
import meridian.core.io.Input;
import meridian.core.json.JsonTree;
import meridian.core.refs.RowError;

/**
 * Streams events out of a CSV (with a header row), NDJSON or JSON-array file into {@link EventChunk}s,
 * opened by core's one input rule ({@link Input}). Columns: the key column ({@code --by}), {@code value}, {@code ts}, and
 * optionally {@code id} (else the line number stands for it) and {@code lat}/{@code lon} (needed to tag the
 * nearest place). NDJSON records may also give coordinates as {@code "point": {"lat": .., "lon": ..}}.
 *
 * <p>A bad row stops the run with an {@link InvalidInputException} naming the file, line and field.
 */
abstract sealed class EventReader implements AutoCloseable {
    final String source;
    final String keyColumn;
    boolean hasCoordinates = true;
    String latField = "lat"; // the coordinates' names in errors: a CSV header's own (Latitude, lng, ...)
    String lonField = "lon";
    private BadRows badRows; // null: a bad row stops the run

    // JSON events of the usual kind, read without a tree (a key column named "point" is read from the tree: the
    // flat reading keeps a point apart)
    private final FlatEvent flat;

    EventReader(String source, String keyColumn) {
        this.source = source;
        this.keyColumn = keyColumn;
        this.flat = keyColumn.equals("point") ? null : new FlatEvent(keyColumn);
    }

    /**
     * Opens {@code raw} by core's one input rule ({@link Input}: gzip, byte-order mark, format by name and
     * content): CSV, NDJSON, or a JSON array of event objects.
     */
    static EventReader open(InputStream raw, String source, String keyColumn) {
        try {
            return open(Input.of(raw, source), source, keyColumn);
        } catch (IOException e) {
            throw unreadable(source, e);
        }
    }

    /** As {@link #open(InputStream, String, String)} for an input already opened by core's rule. */
    static EventReader open(Input in, String source, String keyColumn) {
        var reader = new InputStreamReader(in.stream(), StandardCharsets.UTF_8);
        return switch (in.format()) {
            case CSV -> new Csv(reader, source, keyColumn);
            case JSON_OBJECTS -> new Ndjson(reader, source, keyColumn);
            case JSON_ARRAY -> new JsonArray(reader, source, keyColumn);
        };
    }

    @Override
    public abstract void close();

    /** Appends events to {@code chunk} until it is full or the input ends; false when nothing was added. */
    abstract boolean fill(EventChunk chunk);

    static InvalidInputException unreadable(String source, IOException e) {
        return new InvalidInputException(
                "unreadable_file", "cannot read " + source + ": " + e.getMessage(), Map.of("file", source), e);
    }

    /** With {@code --skip-bad}: bad rows are counted and left out ({@link #skipOrThrow}) instead of stopping the run. */
    EventReader skipping(BadRows rows) {
        this.badRows = rows;
        return this;
    }

    /** A bad row's error: thrown, or (skipping) counted and the row left out. */
    void skipOrThrow(InvalidInputException e) {
        if (badRows == null || !badRows.skipping()) {
            throw e;
        }
        RowError row = rowError(e);
        badRows.reject(row.line(), row.field(), row.reason());
    }

    /** Where and why a bad row failed, from its error ({@link #bad}'s detail). */
    static RowError rowError(InvalidInputException e) {
        Map<String, Object> d = e.detail();
        return new RowError(
                String.valueOf(d.get("file")),
                d.get("line") instanceof Long line ? line : 0,
                d.get("field") instanceof String field ? field : null,
                d.get("reason") instanceof String reason ? reason : e.getMessage());
    }

    InvalidInputException bad(long line, String field, String why) {
        var detail = new LinkedHashMap<String, Object>();
        detail.put("file", source);
        detail.put("line", line);
        detail.put("field", field);
        detail.put("reason", why);
        return new InvalidInputException("invalid_event", source + " line " + line + ": " + field + " " + why, detail);
    }

    /** Validates and stores one event; the strings are parsed here so every error carries the line. */
    void put(EventChunk c, long line, String id, String key, String lat, String lon, String value, String ts) {
        int i = c.size;
        c.line[i] = line;
        if (id == null) {
            c.id[i] = line;
        } else {
            try {
                c.id[i] = Long.parseLong(id.strip());
            } catch (NumberFormatException e) {
                throw bad(line, "id", "must be an integer, got '" + Excerpt.of(id) + "'");
            }
        }
        if (key == null || key.isEmpty()) {
            throw bad(line, keyColumn, "is missing");
        }
        c.key[i] = key;
        if (hasCoordinates) {
            double la = number(line, latField, lat);
            double lo = number(line, lonField, lon);
            if (!Earth.isValidLatitude(la)) {
                throw bad(line, latField, "must be in [-90, 90], got " + Excerpt.of(lat));
            }
            if (!Earth.isValidLongitude(lo)) {
                throw bad(line, lonField, "must be in [-180, 180], got " + Excerpt.of(lon));
            }
            c.lat[i] = la;
            c.lon[i] = lo;
        }
        double v = number(line, "value", value);
        if (!Double.isFinite(v)) {
            throw bad(line, "value", "must be a finite number, got '" + Excerpt.of(value) + "'");
        }
        c.value[i] = v;
        if (ts == null) {
            throw bad(line, "ts", "is missing");
        }
        long micros = Timestamps.tryParseMicros(ts);
        if (micros == Timestamps.INVALID) {
            throw bad(line, "ts", Timestamps.RULE + ", got '" + Excerpt.of(ts) + "'");
        }
        c.tsMicros[i] = micros;
        c.ts[i] = ts;
        c.size = i + 1;
    }

    double number(long line, String field, String text) {
        if (text == null || text.isBlank()) {
            throw bad(line, field, "is missing");
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw bad(line, field, "must be a number, got '" + Excerpt.of(text) + "'");
        }
    }

    private boolean coordinatesDecided;

    /** One parsed JSON event (an NDJSON line or an array element) into {@code c}. */
    void putJson(EventChunk c, long line, Object parsed) {
        if (!(parsed instanceof Map<?, ?> record)) {
            throw bad(line, "record", "must be a JSON object");
        }
        Object lat = record.get("lat");
        Object lon = record.get("lon");
        if (record.get("point") instanceof Map<?, ?> point) {
            lat = point.get("lat");
            lon = point.get("lon");
        }
        putEvent(c, line, record.get("id"), record.get(keyColumn), lat, lon, record.get("value"), record.get("ts"));
    }

    /** The JSON event in {@code text} into {@code c} when {@link FlatEvent} reads it; false when it does not. */
    boolean putFlat(EventChunk c, long line, String text) {
        if (flat == null || !flat.read(text)) {
            return false;
        }
        putEvent(
                c,
                line,
                flat.id,
                flat.key,
                flat.point ? flat.pointLat : flat.lat,
                flat.point ? flat.pointLon : flat.lon,
                flat.value,
                flat.ts);
        return true;
    }

    /** One JSON event's members, as the tree parser gives them, into {@code c}. */
    void putEvent(EventChunk c, long line, Object id, Object key, Object lat, Object lon, Object value, Object ts) {
        if (!coordinatesDecided) {
            hasCoordinates = lat != null || lon != null;
            coordinatesDecided = true;
        }
        put(c, line, scalar(id), scalar(key), scalar(lat), scalar(lon), scalar(value), tsText(ts));
    }

    /** A JSON ts as text: a string as is, a number in plain digits (never 1.7E9) for core's epoch rule. */
    private static String tsText(Object v) {
        if (v instanceof Double d && Double.isFinite(d)) {
            return d == Math.rint(d) && Math.abs(d) < 1e18
                    ? Long.toString(d.longValue())
                    : new java.math.BigDecimal(Double.toString(d)).toPlainString();
        }
        return v == null ? null : String.valueOf(v);
    }

    /** JSON scalars as text; integral numbers without a decimal point, so keys read like the CSV's. */
    private static String scalar(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(v);
    }

    /** CSV with a header row, RFC 4180 (core's streaming parser). */
    static final class Csv extends EventReader {
        private final CsvParser parser;
        final int width;
        final int idCol;
        final int keyCol;
        final int latCol;
        final int lonCol;
        final int valueCol;
        final int tsCol;

        Csv(java.io.Reader reader, String source, String keyColumn) {
            super(source, keyColumn);
            parser = new CsvParser(reader, source);
            if (!parser.next()) {
                throw new InvalidInputException(
                        "empty_input", source + " is empty: a header row is needed", Map.of("file", source));
            }
            List<String> header = new ArrayList<>(parser.fields());
            for (int i = 0; i < header.size(); i++) {
                header.set(i, header.get(i).strip());
            }
            width = header.size();
            // id, lat and lon found as process and the Spark job find them (case, blanks and the other names of
            // the coordinates ignored); the key, value and ts columns are named exactly
            idCol = CsvHeader.column(header, "id");
            keyCol = required(header, keyColumn);
            valueCol = required(header, "value");
            tsCol = required(header, "ts");
            latCol = CsvHeader.column(header, CsvHeader.LAT);
            lonCol = CsvHeader.column(header, CsvHeader.LON);
            if (latCol >= 0 && lonCol >= 0) {
                latField = header.get(latCol);
                lonField = header.get(lonCol);
            }
            hasCoordinates = latCol >= 0 && lonCol >= 0;
            CsvHeader.requireDistinct(header, source, 1, idCol, latCol, lonCol);
        }

        private int required(List<String> header, String column) {
            int i = header.indexOf(column);
            if (i < 0) {
                throw new InvalidInputException(
                        "missing_column",
                        source + " line 1: no column '" + column + "' in the header " + Excerpt.ofList(header),
                        Map.of("file", source, "line", 1, "field", column));
            }
            int last = header.lastIndexOf(column);
            if (last != i) {
                throw CsvHeader.twice(source, 1, column, i, last);
            }
            return i;
        }

        @Override
        boolean fill(EventChunk chunk) {
            int before = chunk.size;
            while (!chunk.isFull() && parser.next()) {
                try {
                    putRow(chunk, parser.fields(), parser.line(), parser.unterminatedQuote());
                } catch (InvalidInputException e) {
                    skipOrThrow(e);
                }
            }
            return chunk.size > before;
        }

        /** Validates and stores one parsed row (the fields as core's CSV parser gives them). */
        void putRow(EventChunk chunk, List<String> f, long line, boolean unterminatedQuote) {
            if (unterminatedQuote) {
                throw bad(line, "row", "has a quote that is never closed");
            }
            if (f.size() != width) {
                throw bad(line, "row", "has " + f.size() + " fields, the header has " + width);
            }
            if (chunk.isFull()) {
                chunk.grow();
            }
            put(
                    chunk,
                    line,
                    idCol >= 0 ? f.get(idCol) : null,
                    f.get(keyCol),
                    hasCoordinates ? f.get(latCol) : null,
                    hasCoordinates ? f.get(lonCol) : null,
                    f.get(valueCol),
                    f.get(tsCol));
        }

        @Override
        public void close() {
            parser.close();
        }
    }

    /** One JSON object per line; blank lines are skipped. */
    static final class Ndjson extends EventReader {
        private final BufferedReader in;
        private long line;

        Ndjson(java.io.Reader reader, String source, String keyColumn) {
            super(source, keyColumn);
            this.in = reader == null ? null : new BufferedReader(reader, 1 << 16);
        }

        @Override
        boolean fill(EventChunk chunk) {
            int before = chunk.size;
            try {
                String text;
                while (!chunk.isFull() && (text = in.readLine()) != null) {
                    line++;
                    if (text.isBlank()) {
                        continue;
                    }
                    try {
                        if (putFlat(chunk, line, text)) {
                            continue;
                        }
                        Object parsed = tree(text, source);
                        if (parsed instanceof Unreadable u) {
                            throw notJson(line, u);
                        }
                        putJson(chunk, line, parsed);
                    } catch (InvalidInputException e) {
                        skipOrThrow(e);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return chunk.size > before;
        }

        /** Why a line is not JSON, in the tree parser's words. */
        record Unreadable(String reason) {}

        /** A line's tree, or why it is not JSON: the part of a line that any thread may read. */
        static Object tree(String text, String source) {
            try {
                return JsonTree.parse(text, source);
            } catch (InvalidInputException e) {
                // the parser counts lines from this one: its reason alone, with the file's line
                return new Unreadable(String.valueOf(e.detail().get("reason")));
            }
        }

        private InvalidInputException notJson(long line, Unreadable u) {
            return bad(line, "record", "is not valid JSON: " + u.reason());
        }

        /**
         * Line {@code i} of {@code block}, as a worker read it, into {@code c} (in file order): a bad line is thrown
         * or skipped, with the same words as a line read here.
         */
        void putRead(EventChunk c, NdjsonBlock block, int i) {
            long at = block.line(i);
            try {
                switch (block.kind(i)) {
                    case NdjsonBlock.BLANK -> {}
                    case NdjsonBlock.FLAT ->
                        putEvent(
                                c,
                                at,
                                block.id(i),
                                block.key(i),
                                block.lat(i),
                                block.lon(i),
                                block.value(i),
                                block.ts(i));
                    default -> {
                        if (block.tree(i) instanceof Unreadable u) {
                            throw notJson(at, u);
                        }
                        putJson(c, at, block.tree(i));
                    }
                }
            } catch (InvalidInputException e) {
                skipOrThrow(e);
            }
        }

        @Override
        public void close() {
            if (in != null) {
                Input.closeUnchecked(in);
            }
        }
    }

    /**
     * A JSON array of event objects, read element by element: each element's text is cut out of the stream (its
     * strings, escapes and nesting followed) and parsed alone by core's tree parser, so that memory holds one
     * element, not the file; an element of the usual kind is read without a tree ({@link FlatEvent}). Parsed
     * whole, 120 MB of events (a million) ran out of a 256 MB heap; read so, they take 1.9-2.4 s with at most 165
     * MB resident at {@code -Xmx256m} (BENCHMARKS.md). JSON that cannot be read stops the run, as it did when the
     * file was parsed at once, at the file's line.
     */
    static final class JsonArray extends EventReader {
        /** An element longer than this is refused rather than held without bound. */
        static final int MAX_ELEMENT_CHARS = 16 << 20;

        private final java.io.Reader in;
        private final char[] buf = new char[1 << 16]; // read here, not a character at a time from a locked reader
        private int pos;
        private int lim;
        private final StringBuilder element = new StringBuilder();
        private long line = 1; // of the next character read
        private long elementLine;
        private boolean opened;
        private boolean ended;

        JsonArray(java.io.Reader reader, String source, String keyColumn) {
            super(source, keyColumn);
            this.in = reader;
        }

        @Override
        boolean fill(EventChunk chunk) {
            int before = chunk.size;
            try {
                String text;
                while (!chunk.isFull() && (text = nextElement()) != null) {
                    try {
                        if (putFlat(chunk, elementLine, text)) {
                            continue;
                        }
                    } catch (InvalidInputException x) {
                        skipOrThrow(x);
                        continue;
                    }
                    Object e;
                    try {
                        e = JsonTree.parse(text, source);
                    } catch (InvalidInputException x) {
                        long at = elementLine + (x.detail().get("line") instanceof Number n ? n.longValue() : 1) - 1;
                        throw malformed(at, String.valueOf(x.detail().get("reason")));
                    }
                    try {
                        putJson(chunk, elementLine, e); // the element's text begins with its value
                    } catch (InvalidInputException x) {
                        skipOrThrow(x);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return chunk.size > before;
        }

        /** The next element's text (its first line in {@link #elementLine}), or null after the array's end. */
        private String nextElement() throws IOException {
            if (!opened) {
                opened = true;
                int c = skipSpace();
                if (c != '[') {
                    throw bad(line, "record", "the file must hold one JSON array of events");
                }
                read();
                if (skipSpace() == ']') {
                    read();
                    end();
                    return null;
                }
            }
            if (ended) {
                return null;
            }
            skipSpace();
            elementLine = line;
            element.setLength(0);
            int depth = 0;
            boolean inString = false;
            boolean escaped = false;
            while (true) {
                int c = read();
                if (c < 0) {
                    throw malformed(line, "unexpected end of input: the array is not closed");
                }
                if (inString) {
                    if (escaped) {
                        escaped = false;
                    } else if (c == '\\') {
                        escaped = true;
                    } else if (c == '"') {
                        inString = false;
                    }
                } else if (depth == 0 && (c == ',' || c == ']')) {
                    if (element.toString().isBlank()) {
                        throw malformed(
                                line,
                                c == ',' ? "an element is missing before ','" : "an element is missing before ']'");
                    }
                    if (c == ']') {
                        end();
                    }
                    return element.toString();
                } else if (c == '"') {
                    inString = true;
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                }
                element.append((char) c);
                if (element.length() > MAX_ELEMENT_CHARS) {
                    throw malformed(elementLine, "an element longer than " + MAX_ELEMENT_CHARS + " characters");
                }
            }
        }

        /** After the array's {@code ]}: nothing but blanks may follow. */
        private void end() throws IOException {
            ended = true;
            if (skipSpace() >= 0) {
                throw malformed(line, "unexpected text after the JSON value");
            }
        }

        /** Skips blanks; returns the next character without taking it, -1 at the end. */
        private int skipSpace() throws IOException {
            while (true) {
                int c = peek();
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return c;
                }
                read();
            }
        }

        private int peek() throws IOException {
            while (pos == lim) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    return -1;
                }
                pos = 0;
                lim = n;
            }
            return buf[pos];
        }

        private int read() throws IOException {
            int c = peek();
            if (c >= 0) {
                pos++;
                if (c == '\n') {
                    line++;
                }
            }
            return c;
        }

        private InvalidInputException malformed(long at, String reason) {
            return new InvalidInputException(
                    "invalid_json",
                    source + " line " + at + ": " + reason,
                    Map.of("file", source, "line", at, "reason", reason));
        }

        @Override
        public void close() {
            Input.closeUnchecked(in);
        }
    }
}
