package meridian.core.csv;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import meridian.core.error.InvalidInputException;
import meridian.core.io.Input;

/**
 * A streaming RFC 4180 reader: comma-separated, fields optionally quoted with {@code "}, a quote inside a
 * quoted field doubled, {@code \n} or {@code \r\n} line ends, newlines allowed inside quotes. It reads
 * through a fixed buffer, so memory stays bounded by the longest row, whatever the input size.
 *
 * <p>{@link #line()} is the physical line on which the current row starts (1-based, the header is line 1),
 * so errors can point at the line a user sees in an editor.
 */
public final class CsvParser implements AutoCloseable {
    /** A row longer than this is refused rather than buffered without bound. */
    public static final int MAX_ROW_CHARS = 1 << 20;

    private final Reader in;
    private final String source;
    private final int maxRowChars;
    private final char[] buf = new char[1 << 16];
    private int pos;
    private int limit;
    private boolean eof;
    private long nextLine;
    private long rowLine;
    private final List<String> fields = new ArrayList<>();
    private final StringBuilder field = new StringBuilder();
    private boolean unterminatedQuote;

    public CsvParser(Reader in, String source) {
        this(in, source, 1, MAX_ROW_CHARS);
    }

    /**
     * A parser of text that starts on line {@code firstLine} of {@code source} (a row cut out of a larger
     * input, whose errors then name the line the user sees) and refuses rows above {@code maxRowChars}.
     */
    public CsvParser(Reader in, String source, long firstLine, int maxRowChars) {
        this.in = in;
        this.source = source;
        this.nextLine = firstLine;
        this.maxRowChars = maxRowChars;
    }

    /** Physical line number where the current row starts. */
    public long line() {
        return rowLine;
    }

    /** The fields of the current row; valid until the next call to {@link #next()}. */
    public List<String> fields() {
        return fields;
    }

    /** True when the current row ended inside a quoted field (the input was cut short). */
    public boolean unterminatedQuote() {
        return unterminatedQuote;
    }

    /** Reads the next row, skipping blank lines. Returns false at the end of input. */
    public boolean next() {
        while (true) {
            fields.clear();
            rowLine = nextLine;
            unterminatedQuote = false;
            if (!fill()) {
                return false;
            }
            readRow();
            if (!(fields.size() == 1 && fields.getFirst().isEmpty())) {
                return true;
            }
        }
    }

    private void readRow() {
        field.setLength(0);
        boolean quoted = false;
        boolean afterQuote = false;
        int rowChars = 0;
        while (fill()) {
            char c = buf[pos++];
            if (++rowChars > maxRowChars) {
                throw new InvalidInputException(
                        "row_too_long",
                        source + " line " + rowLine + ": row is longer than " + maxRowChars
                                + " characters (an unclosed quote?)",
                        Map.of("file", source, "line", rowLine));
            }
            if (quoted) {
                if (c == '"') {
                    if (fill() && buf[pos] == '"') {
                        field.append('"');
                        pos++;
                    } else {
                        quoted = false;
                        afterQuote = true;
                    }
                } else {
                    if (c == '\n') {
                        nextLine++;
                    }
                    field.append(c);
                }
                continue;
            }
            switch (c) {
                case ',' -> {
                    fields.add(field.toString());
                    field.setLength(0);
                    afterQuote = false;
                }
                case '\n' -> {
                    nextLine++;
                    endField();
                    return;
                }
                case '\r' -> {
                    if (fill() && buf[pos] == '\n') {
                        continue;
                    }
                    nextLine++;
                    endField();
                    return;
                }
                case '"' -> {
                    if (field.isEmpty() && !afterQuote) {
                        quoted = true;
                    } else {
                        field.append(c);
                    }
                }
                default -> field.append(c);
            }
        }
        unterminatedQuote = quoted;
        endField();
    }

    private void endField() {
        fields.add(field.toString());
        field.setLength(0);
    }

    private boolean fill() {
        if (pos < limit) {
            return true;
        }
        if (eof) {
            return false;
        }
        try {
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                eof = true;
                return false;
            }
            pos = 0;
            limit = n;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        Input.closeUnchecked(in);
    }
}
