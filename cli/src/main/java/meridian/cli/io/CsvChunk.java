package meridian.cli.io;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import meridian.core.enrich.EnrichOptions;
import meridian.core.enrich.Enricher;
import meridian.core.enrich.Matches;
import meridian.core.enrich.RecordBatch;
import meridian.core.error.Excerpt;
import meridian.core.geo.Earth;
import meridian.core.refs.RowError;
import meridian.core.text.Decimals;
import meridian.server.json.PlaceText;
import meridian.server.json.RegionText;

/**
 * One block of whole CSV rows and everything needed to turn it into output on one thread: the rows are
 * scanned in place (RFC 4180: quoted fields, doubled quotes, newlines inside quotes, {@code \n} or
 * {@code \r\n}), only the id, lat and lon fields are looked at, coordinates are parsed from the bytes,
 * the good rows are enriched, and each output row is the input row's bytes exactly as read followed by
 * the nearest-place columns (and the country's, when asked). Bad rows are collected with their absolute line numbers; the caller decides
 * whether they stop the run.
 *
 * <p>Reused from block to block: the buffers keep their capacity, so steady state allocates little.
 * Owned by one thread at a time (filled by the reader, processed by a worker, drained by the writer).
 */
final class CsvChunk extends OutputBlock {
    private final CsvLayout layout;
    private final String source;
    private final Enricher.Cursor enricher; // the block's own: its scratch kept from block to block
    private final EnrichOptions options;
    private final Supplier<PlaceText> places; // may still be in the making until the first block is written
    private final boolean stopAtFirstError;

    private final RecordBatch batch = new RecordBatch(4096);
    private final Matches matches = new Matches();
    private final List<RowError> errors = new ArrayList<>();
    private int[] rowStart = new int[4096];
    private int[] rowEnd = new int[4096];

    // scan results for the current row
    private int scanFields;
    private int scanRowEnd;
    private int scanNewlines;
    private boolean scanUnterminated;
    private int latS, latE, lonS, lonE, idS, idE;

    /**
     * Rows whose nearest place's text is fetched into the cache ({@link PlaceText#touch}) before they are
     * written: enough misses to overlap, few enough that the lines are still cached when written.
     */
    private static final int TOUCH_ROWS = 64;

    private int touched; // the touched bytes' sum, kept so that the JIT keeps the reads

    CsvChunk(
            CsvLayout layout,
            String source,
            Enricher enricher,
            EnrichOptions options,
            Supplier<PlaceText> places,
            boolean stopAtFirstError) {
        this.layout = layout;
        this.source = source;
        this.enricher = enricher.cursor();
        this.options = options;
        this.places = places;
        this.stopAtFirstError = stopAtFirstError;
    }

    @Override
    List<RowError> errors() {
        return errors;
    }

    @Override
    long errorCount() {
        return errors.size();
    }

    @Override
    int goodRows() {
        return batch.size();
    }

    /**
     * Scans, enriches and formats the block. With {@code stopAtFirstError}, scanning stops at the first
     * bad row (the run is going to end there anyway).
     */
    @Override
    protected void process() {
        batch.clear();
        errors.clear();
        out.truncate(0);
        int pos = 0;
        long line = firstLine;
        int rows = 0;
        while (pos < len) {
            int start = pos;
            long rowLine = line;
            pos = scanRow(pos, layout.latCol(), layout.lonCol(), layout.idCol());
            line += scanNewlines;
            String problem = null;
            String field = null;
            double la = 0;
            double lo = 0;
            if (scanRowEnd == start && scanFields == 1) {
                continue; // blank line
            }
            if (scanUnterminated) {
                problem = "a quoted field is not closed before the end of the file";
            } else if (scanFields != layout.fieldCount()) {
                problem = "expected " + layout.fieldCount() + " fields as in the header, found " + scanFields;
            } else {
                la = coordinate(latS, latE);
                lo = coordinate(lonS, lonE);
                if (Double.isNaN(la) || !Earth.isValidLatitude(la)) {
                    field = layout.latName();
                    problem = coordinateProblem(latS, latE, la, true);
                } else if (Double.isNaN(lo) || !Earth.isValidLongitude(lo)) {
                    field = layout.lonName();
                    problem = coordinateProblem(lonS, lonE, lo, false);
                } else if (idE - idS == 0 || (idE - idS == 2 && buf[idS] == '"')) {
                    field = "id";
                    problem = "id is empty";
                }
            }
            if (problem != null) {
                errors.add(new RowError(source, rowLine, field, problem));
                if (stopAtFirstError) {
                    break;
                }
                continue;
            }
            if (rows == rowStart.length) {
                rowStart = Arrays.copyOf(rowStart, rows * 2);
                rowEnd = Arrays.copyOf(rowEnd, rows * 2);
            }
            rowStart[rows] = start;
            rowEnd[rows] = scanRowEnd;
            batch.add(rows, la, lo);
            rows++;
        }
        if (!errors.isEmpty() && stopAtFirstError) {
            return;
        }
        matches.reset(rows, options);
        enricher.enrichRange(batch, 0, rows, options, matches);
        write(
                options.k(),
                places.get(),
                options.regions() == null
                        ? null
                        : RegionText.csv(options.regions().index()));
    }

    private void write(int k, PlaceText places, RegionText countries) {
        int n = batch.size();
        for (int from = 0; from < n; from += TOUCH_ROWS) {
            int to = Math.min(n, from + TOUCH_ROWS);
            int t = 0;
            for (int i = from; i < to; i++) {
                if (matches.count(i) > 0) {
                    t += places.touch(matches.place(i, 0));
                }
            }
            touched += t;
            writeRows(from, to, k, places, countries);
        }
    }

    private void writeRows(int from, int to, int k, PlaceText places, RegionText countries) {
        for (int i = from; i < to; i++) {
            out.put(buf, rowStart[i], rowEnd[i] - rowStart[i]);
            int count = matches.count(i);
            for (int j = 0; j < k; j++) {
                out.put((byte) ',');
                if (j < count) {
                    places.put(out, matches.place(i, j));
                    Decimals.appendDistance(out, matches.distanceKm(i, j));
                } else {
                    out.put((byte) ',');
                    out.put((byte) ',');
                }
            }
            if (countries != null) {
                out.put((byte) ',');
                countries.put(out, matches, i);
            }
            out.put((byte) '\n');
        }
    }

    private double coordinate(int s, int e) {
        if (e - s >= 2 && buf[s] == '"' && buf[e - 1] == '"') {
            s++;
            e--;
        }
        return Decimals.parse(buf, s, e);
    }

    private String coordinateProblem(int s, int e, double v, boolean latitude) {
        String text = new String(buf, s, e - s, StandardCharsets.UTF_8).strip();
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            text = text.substring(1, text.length() - 1).strip();
        }
        if (Double.isNaN(v)) {
            if (text.isEmpty()) {
                return "value is missing";
            }
            return "'" + Excerpt.of(text) + "' is not a decimal number";
        }
        return latitude
                ? "latitude " + Excerpt.of(text) + " is out of range [-90, 90]"
                : "longitude " + Excerpt.of(text) + " is out of range [-180, 180]";
    }

    /**
     * Scans one row starting at {@code p} (the block holds whole rows, so the block's end ends a row).
     * Returns the position after its line end and sets the {@code scan*} fields and the column ranges.
     */
    private int scanRow(int p, int latC, int lonC, int idC) {
        final byte[] b = buf;
        final int lim = len;
        final int rowStart = p;
        int field = 0;
        int fieldStart = p;
        int newlines = 0;
        scanUnterminated = false;
        while (true) {
            // The bytes the scan stops at ('"', ',', CR, LF) are all at or below ','; the digits, letters, points and
            // minus signs of most fields are above it and skipped here with two tests a byte, not five (as in
            // aggregate's EventBlock, where it measurably helps; here the difference was within the noise)
            while (p < lim && b[p] > ',') {
                p++;
            }
            if (p >= lim) {
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
                        scanUnterminated = true;
                        break;
                    }
                    byte q = b[p++];
                    if (q == '"') {
                        if (p < lim && b[p] == '"') {
                            p++;
                        } else {
                            break;
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
                scanRowEnd = p > rowStart && b[p - 1] == '\r' ? p - 1 : p;
                endField(field, fieldStart, scanRowEnd, latC, lonC, idC);
                scanFields = field + 1;
                scanNewlines = newlines + 1;
                return p + 1;
            } else if (c == '\r' && (p + 1 >= lim || b[p + 1] != '\n')) {
                scanRowEnd = p; // a lone carriage return ends a row too
                endField(field, fieldStart, p, latC, lonC, idC);
                scanFields = field + 1;
                scanNewlines = newlines + 1;
                return p + 1;
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
}
