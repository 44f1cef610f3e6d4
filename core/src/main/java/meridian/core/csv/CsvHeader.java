package meridian.core.csv;

import java.util.List;

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
                if (header.get(c).strip().equalsIgnoreCase(n)) {
                    return c;
                }
            }
        }
        return -1;
    }
}
