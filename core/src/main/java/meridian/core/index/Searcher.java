package meridian.core.index;

import java.util.Map;
import meridian.core.error.InvalidInputException;
import meridian.core.geo.Earth;

/**
 * A query cursor over one {@link NearestIndex}, for one thread at a time. It keeps the query state and
 * the k-nearest heap in fields so that repeated queries allocate nothing.
 *
 * <p>The descent prunes with the incremental region distance of Arya and Mount: the squared distance
 * from the query to the far child's box is tracked per axis, a tighter bound than the split plane alone.
 */
public final class Searcher {
    private final NearestIndex index;
    private final double[] xyz;
    private final byte[] axis;
    private final int[] order;

    private final double[] q = new double[3];
    private final double[] off = new double[3];
    private double qLat;
    private double qLon;
    private double qCosLat;

    private double best; // squared chord of the current bound
    private int bestPos;

    private int k;
    private int heapSize;
    private double[] heapDist = new double[1];
    private int[] heapPos = new int[1];

    Searcher(NearestIndex index) {
        this.index = index;
        this.xyz = index.xyz;
        this.axis = index.axis;
        this.order = index.order;
    }

    public NearestIndex index() {
        return index;
    }

    /** Index of the point nearest to (lat, lon); exact, ties broken arbitrarily. */
    public int nearest(double lat, double lon) {
        setQuery(lat, lon);
        best = Double.POSITIVE_INFINITY;
        bestPos = -1;
        nearestIn(0, index.size() - 1, 0.0);
        return order[bestPos];
    }

    /**
     * Haversine distance in km from the last query point to the indexed point {@code index}; cheaper than
     * {@link NearestIndex#distanceKm} because the query's cosine of latitude is already known.
     */
    public double distanceKm(int pointIndex) {
        return index.distanceKm(qLat, qLon, qCosLat, pointIndex);
    }

    /**
     * The {@code k} nearest points within {@code maxKm} (inclusive; pass {@code Double.POSITIVE_INFINITY}
     * for no limit), sorted by distance, written into {@code out}. Returns how many were found.
     */
    public int nearest(double lat, double lon, int k, double maxKm, Neighbors out) {
        if (k < 1) {
            throw new InvalidInputException("invalid_option", "k must be at least 1, got " + k, Map.of("k", k));
        }
        if (!(maxKm >= 0)) {
            throw new InvalidInputException(
                    "invalid_option", "max distance must be zero or more km, got " + maxKm, Map.of("max_km", maxKm));
        }
        setQuery(lat, lon);
        this.k = k;
        heapSize = 0;
        if (heapDist.length < k) {
            heapDist = new double[k];
            heapPos = new int[k];
        }
        // A hair above the exact chord so that rounding cannot drop a point on the circle; the haversine
        // filter below decides membership exactly.
        double limit = Earth.chordSquaredForKm(maxKm);
        best = limit < 4.0 ? limit * (1 + 1e-9) + 1e-18 : Double.POSITIVE_INFINITY;
        knnIn(0, index.size() - 1, 0.0);
        return out.fill(this, heapPos, heapDist, heapSize, maxKm);
    }

    private void setQuery(double lat, double lon) {
        if (!Earth.isValidLatitude(lat) || !Earth.isValidLongitude(lon)) {
            throw new InvalidInputException(
                    "invalid_coordinate",
                    "coordinates out of range: lat must be in [-90, 90] and lon in [-180, 180], got (" + lat + ", "
                            + lon + ")",
                    Map.of("lat", lat, "lon", lon));
        }
        double phi = Math.toRadians(lat);
        double lambda = Math.toRadians(lon);
        double c = Math.cos(phi);
        qLat = lat;
        qLon = lon;
        qCosLat = c;
        q[0] = c * Math.cos(lambda);
        q[1] = c * Math.sin(lambda);
        q[2] = Math.sin(phi);
        off[0] = 0;
        off[1] = 0;
        off[2] = 0;
    }

    private void nearestIn(int left, int right, double regionDist) {
        final double qx = q[0], qy = q[1], qz = q[2];
        if (right - left + 1 <= NearestIndex.LEAF_SIZE) {
            for (int i = left; i <= right; i++) {
                double dx = xyz[3 * i] - qx, dy = xyz[3 * i + 1] - qy, dz = xyz[3 * i + 2] - qz;
                double d = dx * dx + dy * dy + dz * dz;
                if (d < best) {
                    best = d;
                    bestPos = i;
                }
            }
            return;
        }
        int m = (left + right) >>> 1;
        double dx = xyz[3 * m] - qx, dy = xyz[3 * m + 1] - qy, dz = xyz[3 * m + 2] - qz;
        double dm = dx * dx + dy * dy + dz * dz;
        if (dm < best) {
            best = dm;
            bestPos = m;
        }
        int a = axis[m];
        double diff = q[a] - xyz[3 * m + a];
        double old = off[a];
        double farDist = regionDist - old * old + diff * diff;
        if (diff < 0) {
            nearestIn(left, m - 1, regionDist);
            if (farDist < best) {
                off[a] = diff;
                nearestIn(m + 1, right, farDist);
                off[a] = old;
            }
        } else {
            nearestIn(m + 1, right, regionDist);
            if (farDist < best) {
                off[a] = diff;
                nearestIn(left, m - 1, farDist);
                off[a] = old;
            }
        }
    }

    private void knnIn(int left, int right, double regionDist) {
        if (right - left + 1 <= NearestIndex.LEAF_SIZE) {
            for (int i = left; i <= right; i++) {
                offer(i);
            }
            return;
        }
        int m = (left + right) >>> 1;
        offer(m);
        int a = axis[m];
        double diff = q[a] - xyz[3 * m + a];
        double old = off[a];
        double farDist = regionDist - old * old + diff * diff;
        if (diff < 0) {
            knnIn(left, m - 1, regionDist);
            if (farDist < best) {
                off[a] = diff;
                knnIn(m + 1, right, farDist);
                off[a] = old;
            }
        } else {
            knnIn(m + 1, right, regionDist);
            if (farDist < best) {
                off[a] = diff;
                knnIn(left, m - 1, farDist);
                off[a] = old;
            }
        }
    }

    /** Max-heap of the k best so far; {@code best} is the admission bound. */
    private void offer(int pos) {
        double dx = xyz[3 * pos] - q[0], dy = xyz[3 * pos + 1] - q[1], dz = xyz[3 * pos + 2] - q[2];
        double d = dx * dx + dy * dy + dz * dz;
        if (!(d < best)) {
            return;
        }
        if (heapSize < k) {
            int i = heapSize++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (heapDist[parent] >= d) {
                    break;
                }
                heapDist[i] = heapDist[parent];
                heapPos[i] = heapPos[parent];
                i = parent;
            }
            heapDist[i] = d;
            heapPos[i] = pos;
            if (heapSize == k) {
                best = heapDist[0];
            }
            return;
        }
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= k) {
                break;
            }
            if (child + 1 < k && heapDist[child + 1] > heapDist[child]) {
                child++;
            }
            if (heapDist[child] <= d) {
                break;
            }
            heapDist[i] = heapDist[child];
            heapPos[i] = heapPos[child];
            i = child;
        }
        heapDist[i] = d;
        heapPos[i] = pos;
        best = heapDist[0];
    }

    int treeToIndex(int treePos) {
        return order[treePos];
    }
}
