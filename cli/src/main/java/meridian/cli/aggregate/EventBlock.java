package meridian.cli.aggregate;

import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import meridian.cli.io.BadRows;
import meridian.cli.io.Block;
import meridian.core.aggregate.Timestamps;
import meridian.core.csv.CsvParser;
import meridian.core.error.InvalidInputException;
import meridian.core.geo.Earth;
import meridian.core.refs.RowError;
import meridian.core.text.Decimals;

/**
 * One block of whole CSV event rows, scanned in place on one worker ({@code aggregate}'s streaming path;
 * {@code process} has {@code CsvChunk}). The common row (no
 * quote, no lone carriage return, every field well formed) is read straight from the bytes: numbers by
 * {@link Decimals#parse} (the same doubles as {@link Double#parseDouble}), the timestamp by
 * {@link Timestamps} over a view of the bytes, the key left in the bytes (its place and hash) for the
 * fold's {@link KeyTable}; the events are folded on the calling thread. Any
 * other row (quotes, a bad field) goes through core's {@link CsvParser} and {@link EventReader.Csv}'s
 * checks, the path every row took before, so values and error messages stay those of that path.
 *
 * <p>A bad row does not throw on the worker: it ends the block and is kept as {@link #failure}, which the
 * calling thread rethrows when the block's turn comes, so the first bad row of the file is reported. With
 * {@code --skip-bad} it is left out instead and listed in {@link #skipped}, which the calling thread hands to
 * the run's {@link BadRows} in file order.
 * Reused from block to block; owned by one thread at a time.
 */
final class EventBlock extends Block {
    private final EventReader.Csv csv;
    private final EventChunk chunk;
    private final AsciiView view = new AsciiView();
    private final int[] fieldStart;
    private final int[] fieldEnd;
    private int rowEndAt = -1; // the last row measured by rowEnd, and its inner line ends
    private int rowLines;

    /** The first bad row of the block, or null. */
    InvalidInputException failure;
    /** With --skip-bad, the bad rows this block left out (the first {@link BadRows#REPORTED}); else null. */
    final List<RowError> skipped;
    /** How many bad rows this block left out. */
    long skippedCount;

    /** {@code skipBad}: bad rows are left out and listed in {@link #skipped} rather than ending the block. */
    EventBlock(EventReader.Csv csv, int chunkRows, boolean skipBad) {
        this.csv = csv;
        this.skipped = skipBad ? new ArrayList<>() : null;
        this.chunk = new EventChunk(Math.max(16, chunkRows));
        this.fieldStart = new int[csv.width];
        this.fieldEnd = new int[csv.width];
    }

    @Override
    protected void process() {
        chunk.clear();
        failure = null;
        if (skipped != null) {
            skipped.clear();
            skippedCount = 0;
        }
        rowEndAt = -1;
        try {
            scan();
        } catch (InvalidInputException e) {
            failure = e;
        }
    }

    /** The block's events, after {@link #process}. */
    EventChunk events() {
        return chunk;
    }

    /** The block's bytes, where the keys of {@link #events()} lie. */
    byte[] bytes() {
        return buf;
    }

    private void scan() {
        final byte[] b = buf;
        final int width = csv.width;
        int p = 0;
        long line = firstLine;
        while (p < len) {
            int start = p;
            int fields = 0;
            int fs = p;
            boolean plain = true;
            // one row: field bounds while the row is plain, its end in any case
            while (true) {
                // the bytes stopped at ('"', ',', CR, LF) are all at or below ','; most of a field's are above, and
                // are skipped with two tests a byte instead of five: aggregate --no-places on 1 M events, six
                // alternated pairs, 0.58-0.67 s against 0.61-0.71 s, less CPU in every pair (BENCHMARKS.md)
                while (p < len && b[p] > ',') {
                    p++;
                }
                if (p >= len) {
                    break;
                }
                byte c = b[p];
                if (c == ',') {
                    if (fields < width) {
                        fieldStart[fields] = fs;
                        fieldEnd[fields] = p;
                    }
                    fields++;
                    fs = ++p;
                } else if (c == '\n') {
                    break;
                } else if (c == '"' || (c == '\r' && (p + 1 >= len || b[p + 1] != '\n'))) {
                    plain = false;
                    p = rowEnd(start);
                    break;
                } else {
                    p++;
                }
            }
            int end = p; // the row's line end, or the block's end
            int rowEnd = plain && end > start && b[end - 1] == '\r' ? end - 1 : end;
            if (plain) {
                if (fields < width) {
                    fieldStart[fields] = fs;
                    fieldEnd[fields] = rowEnd;
                }
                fields++;
            }
            p = end < len ? end + 1 : end;
            if (plain && fields == width && putPlain(line)) {
                line++;
            } else if (plain && rowEnd == start) {
                line++; // a blank line
            } else if (skipped == null) {
                line += slow(start, end, line);
            } else {
                try {
                    line += slow(start, end, line);
                } catch (InvalidInputException e) {
                    skip(EventReader.rowError(e));
                    line += linesOf(end);
                }
            }
        }
    }

    /** A bad row left out (with --skip-bad): counted, and kept when among the block's first. */
    private void skip(RowError e) {
        skippedCount++;
        if (skipped.size() < BadRows.REPORTED) {
            skipped.add(e);
        }
    }

    /**
     * The end of a row that holds quotes or a lone carriage return (the rules of {@code RowBlocks}' row
     * cutter): its line end or the block's end. Counts the line ends inside it as core's parser does
     * ({@link #rowLines}): {@code \n} anywhere, and outside quotes a carriage return not before {@code \n}.
     */
    private int rowEnd(int start) {
        final byte[] b = buf;
        boolean quoted = false;
        int closedAt = -1;
        int lines = 0;
        int i = start;
        for (; i < len; i++) {
            byte c = b[i];
            if (c == '"') {
                if (quoted) {
                    quoted = false;
                    closedAt = i + 1;
                } else if (i == start || closedAt == i || isFieldStart(b[i - 1])) {
                    quoted = true;
                }
            } else if (c == '\n') {
                if (!quoted) {
                    break;
                }
                lines++;
            } else if (c == '\r' && !quoted && (i + 1 >= len || b[i + 1] != '\n')) {
                lines++;
            }
        }
        rowEndAt = i;
        rowLines = lines;
        return i;
    }

    private static boolean isFieldStart(byte previous) {
        return previous == ',' || previous == '\n' || previous == '\r';
    }

    /**
     * Stores the plain row whose fields were just found, if every field is well formed; false (nothing
     * stored) sends the row to the slow path.
     */
    private boolean putPlain(long line) {
        final byte[] b = buf;
        var c = chunk;
        long id = line;
        if (csv.idCol >= 0) {
            id = parseLong(b, fieldStart[csv.idCol], fieldEnd[csv.idCol]);
            if (id == Long.MIN_VALUE) {
                return false;
            }
        }
        int ks = fieldStart[csv.keyCol];
        int ke = fieldEnd[csv.keyCol];
        if (ke == ks) {
            return false;
        }
        double la = 0;
        double lo = 0;
        if (csv.hasCoordinates) {
            la = Decimals.parse(b, fieldStart[csv.latCol], fieldEnd[csv.latCol]);
            lo = Decimals.parse(b, fieldStart[csv.lonCol], fieldEnd[csv.lonCol]);
            if (!Earth.isValidLatitude(la) || !Earth.isValidLongitude(lo)) {
                return false; // NaN included
            }
        }
        double v = Decimals.parse(b, fieldStart[csv.valueCol], fieldEnd[csv.valueCol]);
        if (!Double.isFinite(v)) {
            return false;
        }
        int ts = fieldStart[csv.tsCol];
        int te = fieldEnd[csv.tsCol];
        long micros = Timestamps.tryParseMicros(view.of(b, ts, te));
        if (micros == Timestamps.INVALID) {
            return false;
        }
        if (c.isFull()) {
            c.grow();
        }
        int i = c.size;
        c.line[i] = line;
        c.id[i] = id;
        c.key[i] = null; // the fold reads the key from the bytes (KeyTable)
        c.keyStart[i] = ks;
        c.keyEnd[i] = ke;
        c.keyHash[i] = KeyTable.hash(b, ks, ke);
        c.lat[i] = la;
        c.lon[i] = lo;
        c.value[i] = v;
        c.tsMicros[i] = micros;
        // a plain form is kept as a mark, its text made from the instant when written (Timestamps.plainForm);
        // any other valid timestamp is ASCII, so Latin-1 decodes it as UTF-8 would
        String form = Timestamps.plainForm(b, ts, te);
        c.ts[i] = form != null ? form : new String(b, ts, te - ts, StandardCharsets.ISO_8859_1);
        c.size = i + 1;
        return true;
    }

    /**
     * The row {@code buf[start, end)} through core's CSV parser and the checks of {@link EventReader.Csv}
     * (throws on a bad row); returns the physical lines it spans, its line end included.
     */
    private long slow(int start, int end, long line) {
        // numbered from the row's own line, and as long as the block cutter let it be (it bounded the row)
        var parser = new CsvParser(
                new InputStreamReader(new ByteArrayInputStream(buf, start, end - start), StandardCharsets.UTF_8),
                csv.source,
                line,
                Integer.MAX_VALUE);
        while (parser.next()) {
            csv.putRow(chunk, parser.fields(), parser.line(), parser.unterminatedQuote());
        }
        return linesOf(end);
    }

    /** The physical lines of the row that ends at {@code end}, its line end included. */
    private long linesOf(int end) {
        return (end == rowEndAt ? rowLines : 0) + 1;
    }

    /**
     * An integer as {@link Long#parseLong} reads it after stripping, for the plain case (an optional minus,
     * 1 to 18 digits, nothing else); {@link Long#MIN_VALUE} for anything else, which the slow path handles.
     */
    private static long parseLong(byte[] b, int s, int e) {
        boolean neg = s < e && b[s] == '-';
        int i = neg ? s + 1 : s;
        if (i >= e || e - i > 18) {
            return Long.MIN_VALUE;
        }
        long v = 0;
        for (; i < e; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return Long.MIN_VALUE;
            }
            v = v * 10 + d;
        }
        return neg ? -v : v;
    }

    /** ASCII bytes as a {@link CharSequence}, for core's one timestamp rule without a string per row. */
    private static final class AsciiView implements CharSequence {
        private byte[] b;
        private int s;
        private int n;

        AsciiView of(byte[] bytes, int from, int to) {
            b = bytes;
            s = from;
            n = to - from;
            return this;
        }

        @Override
        public int length() {
            return n;
        }

        @Override
        public char charAt(int index) {
            if (index < 0 || index >= n) {
                throw new IndexOutOfBoundsException(index);
            }
            return (char) (b[s + index] & 0xFF);
        }

        @Override
        public CharSequence subSequence(int from, int to) {
            return toString().subSequence(from, to);
        }

        @Override
        public String toString() {
            return new String(b, s, n, StandardCharsets.ISO_8859_1);
        }
    }
}
