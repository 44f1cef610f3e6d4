package meridian.core.geo;

import java.util.Map;
import meridian.core.error.InvalidInputException;

/**
 * Great-circle geometry on a sphere of radius {@value #RADIUS_KM} km. Distances use the haversine
 * formula {@code 2·R·asin(sqrt(sin²(Δφ/2) + cos φ1·cos φ2·sin²(Δλ/2)))}, written exactly as the
 * reference design computes it so that payloads scaled by distance agree with it bit for bit or nearly.
 */
public final class Earth {
    public static final double RADIUS_KM = 6371.0;

    /** Half the circumference: no two points on the sphere are farther apart. */
    public static final double MAX_DISTANCE_KM = Math.PI * RADIUS_KM;

    private Earth() {}

    public static double haversineKm(double lat1, double lon1, double lat2, double lon2) {
        double dLat = Math.toRadians(lat2 - lat1);
        double dLon = Math.toRadians(lon2 - lon1);
        double sinLat = Math.sin(dLat / 2.0);
        double sinLon = Math.sin(dLon / 2.0);
        double h = sinLat * sinLat + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * sinLon * sinLon;
        return 2.0 * RADIUS_KM * Math.asin(Math.sqrt(h));
    }

    /** Same as {@link #haversineKm} with both cosines of latitude already known. */
    public static double haversineKm(
            double lat1, double lon1, double cosLat1, double lat2, double lon2, double cosLat2) {
        return kmFromHaversineTerm(haversineTerm(lat1, lon1, cosLat1, lat2, lon2, cosLat2));
    }

    /** The term h under the square root; it grows with distance, so it ranks points as distance does. */
    public static double haversineTerm(
            double lat1, double lon1, double cosLat1, double lat2, double lon2, double cosLat2) {
        double dLat = Math.toRadians(lat2 - lat1);
        double dLon = Math.toRadians(lon2 - lon1);
        double sinLat = Math.sin(dLat / 2.0);
        double sinLon = Math.sin(dLon / 2.0);
        return sinLat * sinLat + cosLat1 * cosLat2 * sinLon * sinLon;
    }

    public static double kmFromHaversineTerm(double h) {
        return 2.0 * RADIUS_KM * Math.asin(Math.sqrt(h));
    }

    /**
     * Squared chord length on the unit sphere that corresponds to a great-circle distance. Chord length
     * grows monotonically with arc length, so comparing chords ranks points exactly as arcs would.
     */
    public static double chordSquaredForKm(double km) {
        if (!(km < MAX_DISTANCE_KM)) {
            return 4.0;
        }
        double half = Math.sin(km / (2.0 * RADIUS_KM));
        return 4.0 * half * half;
    }

    public static boolean isValidLatitude(double lat) {
        return lat >= -90.0 && lat <= 90.0;
    }

    public static boolean isValidLongitude(double lon) {
        return lon >= -180.0 && lon <= 180.0;
    }

    /** Rejects a point outside [-90, 90] x [-180, 180] (NaN included) with the engine's one message. */
    public static void requireValid(double lat, double lon) {
        if (!isValidLatitude(lat) || !isValidLongitude(lon)) {
            throw new InvalidInputException(
                    "invalid_coordinate",
                    "coordinates out of range: lat must be in [-90, 90] and lon in [-180, 180], got (" + lat + ", "
                            + lon + ")",
                    Map.of("lat", lat, "lon", lon));
        }
    }
}
