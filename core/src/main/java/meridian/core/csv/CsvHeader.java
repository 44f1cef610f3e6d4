package meridian.core.csv;

import java.util.List;
import java.util.Map;
import meridian.core.error.Excerpt;
import meridian.core.error.InvalidInputException;

/** Finding columns in a CSV header by name, the one rule every reader of the product follows. */
public final class CsvHeader {
    /** Accepted names of the latitude and longitude columns, in order of preference. */
    public static final String[] LAT = {"lat", "latitude"};

    public static final String[] LON = {"lon", "longitude", "lng"};

    private CsvHeader() {}

    /** Position of the first column named like one of {@code names} (case and surrounding blanks ignored), or -1. */
    public static int column(List<String> header, String... names) {
        for (String n : names) {
            for (int c = 0; c < header.size(); c++) {
                if (sameName(header.get(c), n)) {
                    return c;
                }
            }
        }
        return -1;
    }

    /**
     * Refuses a header in which a column the reader takes ({@code used}, positions found by {@link #column}; -1
     * for one not there) shares its name with another column: which of the two holds the value cannot be told,
     * and taking the first without a word would enrich with the wrong coordinates. (Two accepted names of one
     * value, such as {@code lat} and {@code latitude}, are not a clash: the order of preference decides.)
     */
    public static void requireDistinct(List<String> header, String source, long line, int... used) {
        for (int u : used) {
            if (u < 0) {
                continue;
            }
            for (int c = 0; c < header.size(); c++) {
                if (c != u && sameName(header.get(c), header.get(u))) {
                    throw twice(source, line, header.get(u), Math.min(c, u), Math.max(c, u));
                }
            }
        }
    }

    /** The error for a header that names {@code name} at both positions (0-based) {@code first} and {@code second}. */
    public static InvalidInputException twice(String source, long line, String name, int first, int second) {
        String shown = Excerpt.of(name.strip());
        return new InvalidInputException(
                "duplicate_column",
                source + " line " + line + ": the header names column '" + shown + "' twice (columns " + (first + 1)
                        + " and " + (second + 1) + "): which one holds it cannot be told; rename one",
                Map.of("file", source, "line", line, "field", shown));
    }

    private static boolean sameName(String column, String name) {
        return column.strip().equalsIgnoreCase(name.strip());
    }
}
