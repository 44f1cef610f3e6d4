package meridian.cli.io;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import meridian.core.error.InvalidInputException;
import meridian.core.refs.RowError;

/**
 * What to do with a bad input row: stop at the first one with an {@link InvalidInputException} whose
 * message names the input, line and field, or (with {@code skip}) count it and keep the first few for
 * the final report.
 */
public final class BadRows {
    /** How many skipped rows are described in the final report. */
    public static final int REPORTED = 10;

    /** The {@code --skip-bad} flag's help, the same for every command that has it. */
    public static final String SKIP_HELP = "skip bad rows (count and report them) instead of stopping at the first";

    private final String source;
    private final boolean skip;
    private final List<RowError> first = new ArrayList<>();
    private long count;

    public BadRows(String source, boolean skip) {
        this.source = source;
        this.skip = skip;
    }

    public boolean skipping() {
        return skip;
    }

    public String source() {
        return source;
    }

    /** Records a bad row; throws unless skipping. {@code field} may be null for whole-row problems. */
    public void reject(long line, String field, String reason) {
        RowError e = new RowError(source, line, field, reason);
        if (!skip) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("file", source);
            detail.put("line", line);
            if (field != null) {
                detail.put("field", field);
            }
            detail.put("reason", reason);
            throw new InvalidInputException("invalid_row", e.toString(), detail);
        }
        count++;
        if (first.size() < REPORTED) {
            first.add(e);
        }
    }

    /**
     * Takes the bad rows a worker skipped in one block, in file order: {@code listed} are the first of them
     * (at most {@link #REPORTED}), {@code total} how many there were.
     */
    public void skipped(List<RowError> listed, long total) {
        for (RowError e : listed) {
            reject(e.line(), e.field(), e.reason());
        }
        countUnlisted(total - listed.size());
    }

    /** The final report on standard error: how many rows were skipped and the first of them. Nothing if none. */
    public void report(PrintStream err) {
        if (count == 0) {
            return;
        }
        err.printf(
                Locale.ROOT,
                "meridian: skipped %,d bad row(s)%s%n",
                count,
                count > REPORTED ? ", the first " + REPORTED + ":" : ":");
        for (RowError e : first) {
            err.println("  " + e);
        }
    }

    /** Counts bad rows found (and described) elsewhere beyond those passed to {@link #reject}. */
    void countUnlisted(long n) {
        count += n;
    }

    public long count() {
        return count;
    }

    public List<RowError> first() {
        return List.copyOf(first);
    }
}
