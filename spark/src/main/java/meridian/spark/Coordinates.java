package meridian.spark;

import meridian.core.geo.Earth;
import meridian.core.text.Decimals;

/**
 * Coordinates as Spark hands them over: numbers from typed sources (Parquet, a cast column), text from
 * CSV, which is read with the same decimal rules as {@code meridian process} (plain decimals, surrounding
 * blanks allowed; no NaN, Infinity, hex or type suffixes). Null, unparsable and out-of-range values are
 * not errors of the job: the row gets no answer and, when asked for, the reason.
 */
final class Coordinates {
    private Coordinates() {}

    /** The value as a double (degrees, km), or NaN when it is missing or not a number. */
    static double number(Object value) {
        return switch (value) {
            case null -> Double.NaN;
            case Double d -> d;
            case Number n -> n.doubleValue();
            case String s -> Decimals.parse(s);
            default -> Double.NaN;
        };
    }

    /** Why (lat, lon) cannot be searched, naming the column; null when both are valid. */
    static String problem(double lat, Object latValue, String latName, double lon, Object lonValue, String lonName) {
        if (Double.isNaN(lat) || !Earth.isValidLatitude(lat)) {
            return latName + ": " + describe(lat, latValue, "latitude", "[-90, 90]");
        }
        if (Double.isNaN(lon) || !Earth.isValidLongitude(lon)) {
            return lonName + ": " + describe(lon, lonValue, "longitude", "[-180, 180]");
        }
        return null;
    }

    static boolean valid(double lat, double lon) {
        return Earth.isValidLatitude(lat) && Earth.isValidLongitude(lon);
    }

    private static String describe(double v, Object raw, String what, String range) {
        String text = raw == null ? "" : raw.toString().strip();
        if (Double.isNaN(v)) {
            if (text.isEmpty()) {
                return "value is missing";
            }
            return "'" + (text.length() <= 40 ? text : text.substring(0, 37) + "...") + "' is not a decimal number";
        }
        return what + " " + text + " is out of range " + range;
    }
}
