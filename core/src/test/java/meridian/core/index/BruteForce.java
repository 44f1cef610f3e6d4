package meridian.core.index;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import meridian.core.geo.Earth;

/** The reference twin of {@link NearestIndex}: every distance computed, nothing pruned. */
public final class BruteForce {
    private final double[] lat;
    private final double[] lon;

    public BruteForce(double[] lat, double[] lon) {
        this.lat = lat;
        this.lon = lon;
    }

    public double[] distances(double qLat, double qLon) {
        double[] d = new double[lat.length];
        for (int i = 0; i < lat.length; i++) {
            d[i] = Earth.haversineKm(qLat, qLon, lat[i], lon[i]);
        }
        return d;
    }

    /** The nearest point's index: the first in order among those at the least haversine distance. */
    public int nearest(double qLat, double qLon) {
        double best = Double.POSITIVE_INFINITY;
        int nearest = -1;
        for (int i = 0; i < lat.length; i++) {
            double d = Earth.haversineKm(qLat, qLon, lat[i], lon[i]);
            if (d < best) {
                best = d;
                nearest = i;
            }
        }
        return nearest;
    }

    public double nearestKm(double qLat, double qLon) {
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < lat.length; i++) {
            best = Math.min(best, Earth.haversineKm(qLat, qLon, lat[i], lon[i]));
        }
        return best;
    }

    /** Indexes sorted by distance, nearest first. */
    public int[] sortedByDistance(double qLat, double qLon) {
        double[] d = distances(qLat, qLon);
        return IntStream.range(0, d.length)
                .boxed()
                .sorted(Comparator.comparingDouble(i -> d[i]))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    public double[] kNearestKm(double qLat, double qLon, int k, double maxKm) {
        double[] d = distances(qLat, qLon);
        Arrays.sort(d);
        return Arrays.stream(d).limit(k).filter(x -> x <= maxKm).toArray();
    }
}
