package meridian.cli.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import meridian.core.enrich.Matches;
import meridian.core.enrich.RecordBatch;
import meridian.core.error.InvalidInputException;
import meridian.core.geo.Earth;
import meridian.core.refs.ReferenceSet;

/**
 * CSV in, CSV out, at the byte level. Columns are found by header ({@code id}, {@code lat} or
 * {@code latitude}, {@code lon} or {@code longitude} or {@code lng}); an output row is the input row's
 * bytes exactly as read (so quoting and every other column pass through untouched) followed by
 * {@code nearest_id,nearest_name,distance_km}, or for k > 1 by {@code nearest_id_1,nearest_name_1,
 * distance_km_1,...,distance_km_k}. Missing matches (none within the radius) are empty fields.
 *
 * <p>Rows are scanned in place in one input buffer (RFC 4180: quoted fields, doubled quotes, newlines
 * inside quotes, {@code \n} or {@code \r\n}); only the id, lat and lon fields are looked at, and the
 * coordinates are parsed from the bytes with {@link Decimals#parse}. A chunk's rows stay in the buffer
 * until it is written; the buffer grows only for a single row longer than it, up to {@link #MAX_ROW_BYTES}.
 */
public final class CsvCodec implements RecordCodec {
    public static final int MAX_ROW_BYTES = 16 << 20;
    private static final int INITIAL_BUFFER = 4 << 20;
    private static final int NEED_MORE = -1;
    private static final int END = -2;

    private final InputStream in;
    private final BadRows bad;
    private final int k;
    private final PlaceText places;

    private byte[] buf = new byte[INITIAL_BUFFER];
    private int pos;
    private int limit;
    private boolean eof;
    private long line = 1; // physical line where the next row starts

    private final byte[] headerBytes;
    private final String latName;
    private final String lonName;
    private final int fieldCount;
    private final int latCol;
    private final int lonCol;
    private final int idCol;

    // the current chunk: byte range of every good row
    private int[] rowStart = new int[1024];
    private int[] rowEnd = new int[1024];

    // scan results for the current row
    private int scanFields;
    private int scanRowEnd;
    private int scanNewlines;
    private boolean scanUnterminated;
    private int latS, latE, lonS, lonE, idS, idE;

    public CsvCodec(InputStream in, BadRows bad, int k, ReferenceSet refs) throws IOException {
        this.in = in;
        this.bad = bad;
        this.k = k;
        this.places = new PlaceText(refs);
        fill();
        // the header: decoded to strings once, kept as raw bytes for the output
        int start;
        int next;
        List<String> header;
        while (true) {
            start = pos;
            next = scanRow(pos, -1, -1, -1);
            if (next == END) {
                throw new InvalidInputException(
                        "missing_header",
                        bad.source() + " is empty: expected a header line with id,lat,lon",
                        Map.of("file", bad.source(), "line", 1));
            }
            if (next == NEED_MORE) {
                growOrFail(1);
                continue;
            }
            header = decodeFields(start, scanRowEnd);
            line += scanNewlines;
            pos = next;
            if (!(header.size() == 1 && header.getFirst().isBlank())) {
                break;
            }
        }
        if (!header.isEmpty() && header.getFirst().startsWith("\uFEFF")) {
            header.set(0, header.getFirst().substring(1));
            start += 3;
        }
        headerBytes = java.util.Arrays.copyOfRange(buf, start, scanRowEnd);
        fieldCount = header.size();
        idCol = column(header, "id");
        latCol = column(header, "lat", "latitude");
        lonCol = column(header, "lon", "longitude", "lng");
        List<String> missing = new ArrayList<>();
        if (idCol < 0) missing.add("id");
        if (latCol < 0) missing.add("lat");
        if (lonCol < 0) missing.add("lon");
        if (!missing.isEmpty()) {
            throw new InvalidInputException(
                    "missing_columns",
                    bad.source() + " line 1: missing required column(s) " + String.join(", ", missing) + " (header is: "
                            + String.join(",", header) + ")",
                    Map.of("file", bad.source(), "line", 1, "missing", missing));
        }
        latName = header.get(latCol).strip();
        lonName = header.get(lonCol).strip();
    }

    @Override
    public void start(ByteSink out) throws IOException {
        out.put(headerBytes);
        if (k == 1) {
            out.putAscii(",nearest_id,nearest_name,distance_km");
        } else {
            for (int j = 1; j <= k; j++) {
                out.putAscii(",nearest_id_" + j + ",nearest_name_" + j + ",distance_km_" + j);
            }
        }
        out.put((byte) '\n');
    }

    @Override
    public boolean read(RecordBatch batch, int maxRecords) throws IOException {
        batch.clear();
        if (pos > 0) { // the previous chunk has been written: keep only the unread tail
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        fill();
        int rows = 0;
        boolean any = false;
        while (rows < maxRecords) {
            int next = scanRow(pos, latCol, lonCol, idCol);
            if (next == END) {
                break;
            }
            if (next == NEED_MORE) {
                if (any) {
                    break; // the partial row moves to the front of the buffer with the next chunk
                }
                growOrFail(limit - pos);
                continue;
            }
            any = true;
            long rowLine = line;
            line += scanNewlines;
            int start = pos;
            pos = next;
            if (scanRowEnd == start && scanFields == 1) {
                continue; // blank line
            }
            if (scanUnterminated) {
                bad.reject(rowLine, null, "a quoted field is not closed before the end of the file");
                continue;
            }
            if (scanFields != fieldCount) {
                bad.reject(rowLine, null, "expected " + fieldCount + " fields as in the header, found " + scanFields);
                continue;
            }
            double la = coordinate(rowLine, latName, latS, latE, true);
            if (Double.isNaN(la)) {
                continue;
            }
            double lo = coordinate(rowLine, lonName, lonS, lonE, false);
            if (Double.isNaN(lo)) {
                continue;
            }
            if (idE - idS == 0 || (idE - idS == 2 && buf[idS] == '"')) {
                bad.reject(rowLine, "id", "id is empty");
                continue;
            }
            if (rows == rowStart.length) {
                rowStart = java.util.Arrays.copyOf(rowStart, rows * 2);
                rowEnd = java.util.Arrays.copyOf(rowEnd, rows * 2);
            }
            rowStart[rows] = start;
            rowEnd[rows] = scanRowEnd;
            batch.add(rows, la, lo);
            rows++;
        }
        return any;
    }

    /** Parses a coordinate field; NaN (after reporting it) when it is not a valid one. */
    private double coordinate(long rowLine, String name, int s, int e, boolean latitude) {
        if (e - s >= 2 && buf[s] == '"') {
            s++;
            e--;
        }
        double v = Decimals.parse(buf, s, e);
        if (Double.isNaN(v)) {
            String text = new String(buf, s, e - s, StandardCharsets.UTF_8).strip();
            bad.reject(
                    rowLine,
                    name,
                    text.isEmpty() ? "value is missing" : "'" + abbreviate(text) + "' is not a decimal number");
            return Double.NaN;
        }
        if (latitude ? !Earth.isValidLatitude(v) : !Earth.isValidLongitude(v)) {
            bad.reject(
                    rowLine,
                    name,
                    (latitude ? "latitude " : "longitude ") + new String(buf, s, e - s, StandardCharsets.UTF_8).strip()
                            + " is out of range " + (latitude ? "[-90, 90]" : "[-180, 180]"));
            return Double.NaN;
        }
        return v;
    }

    @Override
    public void write(RecordBatch batch, Matches m, ByteSink out) throws IOException {
        int n = batch.size();
        for (int i = 0; i < n; i++) {
            out.put(buf, rowStart[i], rowEnd[i] - rowStart[i]);
            int count = m.count(i);
            for (int j = 0; j < k; j++) {
                out.put((byte) ',');
                if (j < count) {
                    out.put(places.csv(m.place(i, j)));
                    Decimals.appendDistance(out, m.distanceKm(i, j));
                } else {
                    out.put((byte) ',');
                    out.put((byte) ',');
                }
            }
            out.put((byte) '\n');
            out.flushIfOver(1 << 20);
        }
    }

    @Override
    public void finish(ByteSink out) {}

    /**
     * Scans one row starting at {@code p}. Returns the position after its line end, {@link #NEED_MORE}
     * when the buffer ends inside the row before the end of input, or {@link #END} at the end of input.
     * Sets the {@code scan*} fields, and the byte ranges of the three columns asked for.
     */
    private int scanRow(int p, int latC, int lonC, int idC) {
        final byte[] b = buf;
        final int lim = limit;
        if (p >= lim) {
            return eof ? END : NEED_MORE;
        }
        int field = 0;
        int fieldStart = p;
        int newlines = 0;
        scanUnterminated = false;
        while (true) {
            if (p >= lim) {
                if (!eof) {
                    return NEED_MORE;
                }
                scanRowEnd = lim;
                endField(field, fieldStart, lim, latC, lonC, idC);
                scanFields = field + 1;
                scanNewlines = newlines;
                return lim;
            }
            byte c = b[p];
            if (c == '"' && p == fieldStart) {
                p++;
                while (true) {
                    if (p >= lim) {
                        if (!eof) {
                            return NEED_MORE;
                        }
                        scanUnterminated = true;
                        scanRowEnd = lim;
                        endField(field, fieldStart, lim, latC, lonC, idC);
                        scanFields = field + 1;
                        scanNewlines = newlines;
                        return lim;
                    }
                    byte q = b[p++];
                    if (q == '"') {
                        if (p < lim) {
                            if (b[p] != '"') {
                                break;
                            }
                            p++;
                        } else if (eof) {
                            break;
                        } else {
                            return NEED_MORE;
                        }
                    } else if (q == '\n') {
                        newlines++;
                    }
                }
                continue;
            }
            if (c == ',') {
                endField(field++, fieldStart, p, latC, lonC, idC);
                fieldStart = ++p;
            } else if (c == '\n') {
                scanRowEnd = p;
                endField(field, fieldStart, p, latC, lonC, idC);
                scanFields = field + 1;
                scanNewlines = newlines + 1;
                return p + 1;
            } else if (c == '\r') {
                if (p + 1 >= lim && !eof) {
                    return NEED_MORE;
                }
                scanRowEnd = p;
                endField(field, fieldStart, p, latC, lonC, idC);
                scanFields = field + 1;
                scanNewlines = newlines + 1;
                return p + 1 < lim && b[p + 1] == '\n' ? p + 2 : p + 1;
            } else {
                p++;
            }
        }
    }

    private void endField(int field, int s, int e, int latC, int lonC, int idC) {
        if (field == latC) {
            latS = s;
            latE = e;
        } else if (field == lonC) {
            lonS = s;
            lonE = e;
        } else if (field == idC) {
            idS = s;
            idE = e;
        }
    }

    /** Decodes the fields of a row (the header) to strings, unquoting them. */
    private List<String> decodeFields(int start, int end) {
        List<String> fields = new ArrayList<>();
        var f = new StringBuilder();
        String text = new String(buf, start, end - start, StandardCharsets.UTF_8);
        boolean quoted = false;
        boolean fieldStart = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        f.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    f.append(c);
                }
            } else if (c == '"' && fieldStart) {
                quoted = true;
                fieldStart = false;
            } else if (c == ',') {
                fields.add(f.toString());
                f.setLength(0);
                fieldStart = true;
            } else {
                f.append(c);
                fieldStart = false;
            }
        }
        fields.add(f.toString());
        return fields;
    }

    private static int column(List<String> header, String... names) {
        for (String n : names) {
            for (int c = 0; c < header.size(); c++) {
                if (header.get(c).strip().equalsIgnoreCase(n)) {
                    return c;
                }
            }
        }
        return -1;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    /** Reads until the buffer is full or the input ends. */
    private void fill() throws IOException {
        while (!eof && limit < buf.length) {
            int r = in.read(buf, limit, buf.length - limit);
            if (r < 0) {
                eof = true;
            } else {
                limit += r;
            }
        }
    }

    /** A row does not fit in what is left of the buffer: make room for more of it, then read. */
    private void growOrFail(int rowSoFar) throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        } else if (buf.length >= MAX_ROW_BYTES) {
            throw new InvalidInputException(
                    "row_too_long",
                    bad.source() + " line " + line + ": row is longer than " + MAX_ROW_BYTES
                            + " bytes (an unclosed quote?)",
                    Map.of("file", bad.source(), "line", line));
        } else {
            buf = java.util.Arrays.copyOf(buf, Math.min(MAX_ROW_BYTES, buf.length * 2));
        }
        fill();
    }
}
