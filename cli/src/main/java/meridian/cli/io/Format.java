package meridian.cli.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/** The record file formats {@code process} reads and writes. */
public enum Format {
    CSV,
    NDJSON,
    JSON;

    /** The format a file name implies ({@code .csv}, {@code .ndjson}, {@code .jsonl}, {@code .json}, each optionally {@code .gz}), or null. */
    public static Format fromName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".gz")) {
            n = n.substring(0, n.length() - 3);
        }
        if (n.endsWith(".csv")) {
            return CSV;
        }
        if (n.endsWith(".ndjson") || n.endsWith(".jsonl")) {
            return NDJSON;
        }
        if (n.endsWith(".json")) {
            return JSON;
        }
        return null;
    }

    /**
     * Guesses from the first non-blank byte of a stream that supports mark/reset: {@code [} is a JSON
     * array, <code>{</code> NDJSON, anything else CSV.
     */
    public static Format sniff(InputStream in) throws IOException {
        in.mark(4096);
        try {
            for (int i = 0; i < 4096; i++) {
                int c = in.read();
                if (c == '[') {
                    return JSON;
                }
                if (c == '{') {
                    return NDJSON;
                }
                if (c != ' ' && c != '\n' && c != '\r' && c != '\t' && c != 0xEF && c != 0xBB && c != 0xBF) {
                    return CSV;
                }
            }
            return CSV;
        } finally {
            in.reset();
        }
    }
}
