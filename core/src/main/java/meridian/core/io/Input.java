package meridian.core.io;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import meridian.core.error.InvalidInputException;
import meridian.core.error.NotFoundException;

/**
 * The one way every reader opens its input (reference sets, {@code meridian process}, {@code meridian
 * aggregate}). The rule, in order:
 *
 * <ol>
 *   <li><b>Source</b>: {@code -} is standard input (named {@code <stdin>}, never closed here); anything else a
 *       file.
 *   <li><b>Compression</b>: gzip is recognised by its magic bytes ({@code 1f 8b}), whatever the name; a
 *       {@code .gz} suffix is then ignored for the name rule below.
 *   <li><b>Byte-order mark</b>: a UTF-8 BOM ({@code EF BB BF}) at the start of the (decompressed) content is
 *       skipped, for every format. Text is UTF-8.
 *   <li><b>Format</b>: the name decides when it is specific: {@code .csv} is {@link Format#CSV};
 *       {@code .ndjson} and {@code .jsonl} are {@link Format#JSON_OBJECTS}. Otherwise ({@code .json},
 *       {@code .geojson}, another or no extension, standard input) the first non-blank byte decides:
 *       {@code [} is {@link Format#JSON_ARRAY}, <code>{</code> is {@link Format#JSON_OBJECTS}, anything else
 *       CSV, except that a {@code .json}/{@code .geojson} name never falls back to CSV (its JSON parser
 *       reports what is wrong, with the line).
 * </ol>
 *
 * <p>So a {@code .json} file holding an array is an array to every reader, and one holding objects is
 * newline-delimited objects (or, to the reference-set reader, one GeoJSON object).
 *
 * @param stream the decompressed content after any byte-order mark; supports mark/reset
 * @param format what the content is, by the rule above
 * @param source the file name, or {@code <stdin>}, for messages
 */
public record Input(InputStream stream, Format format, String source) implements Closeable {
    /** The name that stands for standard input. */
    public static final String STDIN = "-";

    /** How far the content is looked into for its first non-blank byte. */
    private static final int SNIFF_BYTES = 4096;

    private static final int BUFFER = 1 << 16;

    /** What an input holds. */
    public enum Format {
        /** Comma-separated rows with a header row (RFC 4180). */
        CSV,
        /** One JSON array of values. */
        JSON_ARRAY,
        /** JSON objects: one per line (NDJSON), or a single object (GeoJSON). */
        JSON_OBJECTS
    }

    /**
     * Opens the file {@code name}, or {@code stdin} when the name is {@code -}. A missing file is a
     * {@link NotFoundException}, an unreadable one an {@link InvalidInputException}, both naming it.
     */
    public static Input open(String name, InputStream stdin) {
        if (STDIN.equals(name)) {
            try {
                return of(
                        new FilterInputStream(stdin) {
                            @Override
                            public void close() {} // standard input is not ours to close
                        },
                        "<stdin>");
            } catch (IOException e) {
                throw unreadable("<stdin>", e);
            }
        }
        return open(Path.of(name));
    }

    /** Opens a file; see {@link #open(String, InputStream)} for the errors. */
    public static Input open(Path file) {
        String source = file.toString();
        if (Files.isDirectory(file)) {
            throw new NotFoundException(
                    "file_not_found", source + " is a directory, not a file", Map.of("file", source));
        }
        InputStream raw = null;
        try {
            raw = Files.newInputStream(file);
            return of(raw, source);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("file_not_found", "no such file: " + source, Map.of("file", source));
        } catch (IOException e) {
            closeQuietly(raw);
            throw unreadable(source, e);
        }
    }

    /**
     * Applies the rule to a stream the caller opened; {@code name} (a file name, or anything without an
     * extension such as {@code <stdin>}) feeds the name rule and the messages. Closing the result closes
     * {@code raw}.
     */
    public static Input of(InputStream raw, String name) throws IOException {
        InputStream content = decompressed(raw);
        return new Input(content, formatOf(name, content), name);
    }

    /** The content of {@code raw}: gunzipped when it starts with the gzip magic bytes, after any UTF-8 BOM. */
    public static InputStream decompressed(InputStream raw) throws IOException {
        InputStream b = raw.markSupported() ? raw : new BufferedInputStream(raw, BUFFER);
        b.mark(2);
        int m1 = b.read();
        int m2 = b.read();
        b.reset();
        if (m1 == 0x1f && m2 == 0x8b) {
            try {
                b = new BufferedInputStream(new BadGzip(new GZIPInputStream(b, BUFFER)), BUFFER);
            } catch (EOFException | ZipException e) {
                throw BadGzip.error(e);
            }
        }
        b.mark(3);
        if (b.read() != 0xEF || b.read() != 0xBB || b.read() != 0xBF) {
            b.reset();
        }
        return b;
    }

    /** The format by the rule in the class comment; {@code content} must support mark/reset. */
    static Format formatOf(String name, InputStream content) throws IOException {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".gz")) {
            n = n.substring(0, n.length() - 3);
        }
        if (n.endsWith(".csv")) {
            return Format.CSV;
        }
        if (n.endsWith(".ndjson") || n.endsWith(".jsonl")) {
            return Format.JSON_OBJECTS;
        }
        boolean json = n.endsWith(".json") || n.endsWith(".geojson");
        return switch (firstNonBlank(content)) {
            case '[' -> Format.JSON_ARRAY;
            case '{' -> Format.JSON_OBJECTS;
            default -> json ? Format.JSON_OBJECTS : Format.CSV;
        };
    }

    private static int firstNonBlank(InputStream in) throws IOException {
        in.mark(SNIFF_BYTES);
        try {
            for (int i = 0; i < SNIFF_BYTES; i++) {
                int c = in.read();
                if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                    return c;
                }
            }
            return -1;
        } finally {
            in.reset();
        }
    }

    private static InvalidInputException unreadable(String source, IOException e) {
        return new InvalidInputException(
                "unreadable_file", "cannot read " + source + ": " + e.getMessage(), Map.of("file", source), e);
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // already failing; the first error is the one reported
            }
        }
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }

    /**
     * Closes what reads an input, for the readers whose {@code close} declares no {@link IOException}
     * ({@code CsvParser}, the aggregate's event readers): a failure to close is an {@link
     * UncheckedIOException}, as a failure to read is.
     */
    public static void closeUnchecked(Closeable reader) {
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A gzip stream whose corrupt or truncated data is the sender's mistake (400, exit code 1), not an I/O
     * failure that would pass for a lost connection (found by fuzzing: the two magic bytes alone threw
     * EOFException).
     */
    private static final class BadGzip extends FilterInputStream {
        BadGzip(InputStream in) {
            super(in);
        }

        static InvalidInputException error(IOException e) {
            return new InvalidInputException(
                    "invalid_gzip", "the gzip data is corrupt or cut short: " + e.getMessage(), Map.of());
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (EOFException | ZipException e) {
                throw error(e);
            }
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            try {
                return super.read(buf, off, len);
            } catch (EOFException | ZipException e) {
                throw error(e);
            }
        }
    }
}
