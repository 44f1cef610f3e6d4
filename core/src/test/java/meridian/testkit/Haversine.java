package meridian.testkit;

/**
 * Great-circle distance written out for tests, independent of {@code meridian.core.geo.Earth}: the expected
 * nearest place of a brute-force check is computed with it.
 */
public final class Haversine {
    /** Mean Earth radius, km (the radius the product states). */
    private static final double EARTH_KM = 6371.0;

    private Haversine() {}

    public static double km(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1), p2 = Math.toRadians(lat2);
        double dp = p2 - p1, dl = Math.toRadians(lon2 - lon1);
        double h =
                Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
    }
}
