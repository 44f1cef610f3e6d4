package meridian.cli.io;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import meridian.core.csv.CsvHeader;
import meridian.core.error.Excerpt;
import meridian.core.error.InvalidInputException;

/**
 * Cuts a stream of rows (CSV, or NDJSON lines) into blocks of whole rows for parallel processing. For CSV
 * the header is read first, and a row ends at a line end outside a quoted field (the quoting rules are
 * those of {@link CsvChunk}'s row scanner, so both agree on where rows end); for NDJSON every line end
 * ends a row. A block holds at most a given number of rows and about a given number of bytes; the bytes
 * of an unfinished row are carried over to the next block. Each block knows the physical line it starts
 * on, so errors found in it can name absolute lines. Only the reading thread uses this class.
 */
public final class RowBlocks {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long RETURNS = 0x0D0D0D0D0D0D0D0DL;
    /**
     * Bytes read at a time while a block is cut. A block stops at its row limit long before its byte bound
     * (16,384 rows of 52 bytes are 850 KB of a 2 MB buffer): read whole, the buffer's unused rest was copied out
     * and back into the next block, 2.4 MB of copies a block.
     */
    private static final int READ_STEP = 128 << 10;

    private final InputStream in;
    private final String source;
    private final CsvLayout layout;
    private final byte[] header;
    private byte[] carry = new byte[1 << 16];
    private int carryLen;
    private boolean eof;
    private long nextLine = 1;

    private final boolean quotes;

    private RowBlocks(InputStream in, String source, boolean csv, boolean layout) throws IOException {
        this.in = in;
        this.source = source;
        this.quotes = csv;
        this.header = csv ? readHeaderRow() : null;
        this.layout = layout ? readLayout() : null;
    }

    /** CSV rows of {@code process}: the header is read at once and must name id, lat and lon (see {@link #layout()}). */
    static RowBlocks csv(InputStream in, String source) throws IOException {
        return new RowBlocks(in, source, true, true);
    }

    /**
     * CSV rows whose header the caller reads itself ({@link #header()}: its raw bytes, null for an empty
     * input); the header's first physical line is {@link #headerLine()}.
     */
    public static RowBlocks csvRows(InputStream in, String source) throws IOException {
        return new RowBlocks(in, source, true, false);
    }

    /** NDJSON lines. */
    public static RowBlocks lines(InputStream in, String source) throws IOException {
        return new RowBlocks(in, source, false, false);
    }

    CsvLayout layout() {
        return layout;
    }

    /** The header row's bytes (without its line end), or null when the input holds no row at all. */
    public byte[] header() {
        return header;
    }

    /**
     * Fills {@code chunk} with the next block of at most {@code maxRows} rows and about
     * {@code blockBytes} bytes (more only for a single longer row). Returns false at the end of input.
     */
    public boolean next(Block chunk, int maxRows, int blockBytes) throws IOException {
        byte[] b = chunk.buffer(Math.max(blockBytes, carryLen));
        System.arraycopy(carry, 0, b, 0, carryLen);
        int len = carryLen;
        carryLen = 0;
        int scanned = 0;
        int rows = 0;
        int cut = -1;
        boolean quoted = false;
        int closedAt = -1;
        long lines = 0;
        long linesAtCut = 0;
        while (true) {
            len = fill(b, len, len + READ_STEP);
            int i = scanned;
            while (i < len && rows < maxRows) {
                // eight bytes at a time: most words hold neither a quote nor a line end, and in one that does the
                // scan goes straight to the first such byte instead of stepping to it byte by byte
                if (i + 8 <= len) {
                    long w = (long) LONGS.get(b, i);
                    long found =
                            quotes ? marks(w, NEWLINES) | marks(w, QUOTES) | marks(w, RETURNS) : marks(w, NEWLINES);
                    if (found == 0) {
                        i += 8;
                        continue;
                    }
                    i += Long.numberOfTrailingZeros(found) >>> 3;
                }
                byte c = b[i++];
                if (c == '"') {
                    // the rules of the row scanner: a quote opens a quoted field only at the start of a field,
                    // one inside a quoted field closes it, and one right after that reopens it (a doubled quote)
                    if (quoted) {
                        quoted = false;
                        closedAt = i;
                    } else if (quotes && (i == 1 || closedAt == i - 1 || isFieldStart(b[i - 2]))) {
                        quoted = true;
                    }
                } else if (c == '\r' && quotes && !quoted) {
                    // a lone carriage return ends a CSV row for the row scanners, so it counts as a line:
                    // error messages name the line an editor shows; \r\n counts once, at the \n
                    if (i == len && !eof) {
                        i--; // the next byte decides, and it is not read yet: scan it again after the refill
                        break;
                    }
                    if (i == len || b[i] != '\n') {
                        lines++;
                    }
                } else if (c == '\n') {
                    lines++;
                    if (!quoted) {
                        cut = i;
                        linesAtCut = lines;
                        rows++;
                    }
                }
            }
            scanned = i;
            if (rows == maxRows) {
                break;
            }
            if (eof) {
                if (len == 0) {
                    return false;
                }
                cut = len; // the last row may have no line end
                linesAtCut = lines;
                break;
            }
            if (len < b.length) {
                continue; // room for more rows
            }
            if (cut >= 0) {
                break; // the buffer is full: the unfinished row goes to the next block
            }
            if (b.length >= Block.MAX_ROW_BYTES) {
                throw new InvalidInputException(
                        "row_too_long",
                        source + " line " + nextLine + ": row is longer than " + Block.MAX_ROW_BYTES
                                + " bytes (an unclosed quote?)",
                        Map.of("file", source, "line", nextLine));
            }
            b = chunk.grow(Math.min(Block.MAX_ROW_BYTES, b.length * 2));
        }
        int rest = len - cut;
        if (rest > carry.length) {
            carry = new byte[Math.max(rest, carry.length * 2)];
        }
        System.arraycopy(b, cut, carry, 0, rest);
        carryLen = rest;
        chunk.setBlock(cut, nextLine);
        nextLine += linesAtCut;
        return true;
    }

    private static boolean isFieldStart(byte previous) {
        return previous == ',' || previous == '\n' || previous == '\r';
    }

    /**
     * Nonzero when one of the eight bytes of {@code word} (little-endian) equals the byte repeated in
     * {@code pattern}; then its lowest set bit is the high bit of the first such byte (a borrow can mark bytes
     * after it, never one before).
     */
    private static long marks(long word, long pattern) {
        long x = word ^ pattern;
        return (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
    }

    /** Reads into b[len..want) until it is filled or the input ends; returns the new length. */
    private int fill(byte[] b, int len, int want) throws IOException {
        int target = Math.min(want, b.length);
        while (!eof && len < target) {
            int r = in.read(b, len, target - len);
            if (r < 0) {
                eof = true;
            } else {
                len += r;
            }
        }
        return len;
    }

    /** Reads the first non-blank row; returns its bytes, or null at the end of input. */
    private byte[] readHeaderRow() throws IOException {
        while (true) {
            // find the end of the first row
            int end = -1;
            boolean quoted = false;
            int scanned = 0;
            while (true) {
                carryLen = fill(carry, carryLen, carry.length);
                for (int i = scanned; i < carryLen; i++) {
                    byte c = carry[i];
                    if (c == '"') {
                        quoted = !quoted;
                    } else if (c == '\n' && !quoted) {
                        end = i;
                        break;
                    }
                }
                scanned = carryLen;
                if (end >= 0 || eof) {
                    break;
                }
                if (carryLen == carry.length) {
                    if (carry.length >= Block.MAX_ROW_BYTES) {
                        throw new InvalidInputException(
                                "row_too_long",
                                source + " line 1: header is longer than " + Block.MAX_ROW_BYTES + " bytes",
                                Map.of("file", source, "line", 1));
                    }
                    carry = Arrays.copyOf(carry, carry.length * 2);
                }
            }
            if (carryLen == 0) {
                return null;
            }
            int next = end < 0 ? carryLen : end + 1;
            int rowEnd = end < 0 ? carryLen : (end > 0 && carry[end - 1] == '\r' ? end - 1 : end);
            int start = 0; // a byte-order mark is already gone (core's Input)
            byte[] headerBytes = Arrays.copyOfRange(carry, start, rowEnd);
            System.arraycopy(carry, next, carry, 0, carryLen - next);
            carryLen -= next;
            nextLine++;
            List<String> fields = decodeFields(headerBytes, 0, headerBytes.length);
            if (fields.size() == 1 && fields.getFirst().isBlank()) {
                continue; // blank lines before the header
            }
            return headerBytes;
        }
    }

    /** The layout of {@code process}'s CSV: the header must name id, lat and lon. */
    private CsvLayout readLayout() {
        if (header == null) {
            throw new InvalidInputException(
                    "missing_header",
                    source + " is empty: expected a header line with id,lat,lon",
                    Map.of("file", source, "line", 1));
        }
        List<String> names = decodeFields(header, 0, header.length);
        int idCol = CsvHeader.column(names, "id");
        int latCol = CsvHeader.column(names, CsvHeader.LAT);
        int lonCol = CsvHeader.column(names, CsvHeader.LON);
        List<String> missing = new ArrayList<>();
        if (idCol < 0) missing.add("id");
        if (latCol < 0) missing.add("lat");
        if (lonCol < 0) missing.add("lon");
        if (!missing.isEmpty()) {
            throw new InvalidInputException(
                    "missing_columns",
                    source + " line " + (nextLine - 1) + ": missing required column(s) " + String.join(", ", missing)
                            + " (header is: " + Excerpt.ofList(names) + ")",
                    Map.of("file", source, "line", nextLine - 1, "missing", missing));
        }
        CsvHeader.requireDistinct(names, source, nextLine - 1, idCol, latCol, lonCol);
        return new CsvLayout(
                header,
                names.size(),
                idCol,
                latCol,
                lonCol,
                names.get(latCol).strip(),
                names.get(lonCol).strip());
    }

    /** Decodes the fields of one row (the header) to strings, unquoting them. */
    private static List<String> decodeFields(byte[] b, int start, int end) {
        List<String> fields = new ArrayList<>();
        var f = new StringBuilder();
        String text = new String(b, start, end - start, StandardCharsets.UTF_8);
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
}
