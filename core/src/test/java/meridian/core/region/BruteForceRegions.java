package meridian.core.region;

import java.util.Arrays;

/**
 * The containment rule computed the slow way: for every unit, the parity of the eastward ray's crossings
 * over every edge of every ring of the (repaired) unit; the lowest-numbered unit with odd parity wins.
 * Edges are only bucketed by the latitude bands they span, which drops no crossing (an edge that does not
 * straddle the ray's latitude cannot cross it). Nearest borders: every edge in a latitude window, its
 * distance sampled every few metres along the lon/lat line.
 */
final class BruteForceRegions {
    private static final double BAND = 0.01;
    private final RegionIndex index;
    private final int[][] bands;
    private final int[] parity;

    BruteForceRegions(RegionIndex index) {
        this.index = index;
        int n = (int) Math.round(180 / BAND);
        int[] counts = new int[n];
        forEachEdge((v, b) -> counts[b]++);
        bands = new int[n][];
        for (int b = 0; b < n; b++) {
            bands[b] = new int[counts[b]];
        }
        int[] fill = new int[n];
        forEachEdge((v, b) -> bands[b][fill[b]++] = v);
        parity = new int[index.size()];
    }

    private interface EdgeBand {
        void accept(int v, int band);
    }

    private void forEachEdge(EdgeBand sink) {
        int n = (int) Math.round(180 / BAND);
        for (int r = 0; r < index.ringUnit.length; r++) {
            for (int v = index.ringStart[r]; v + 1 < index.ringStart[r + 1]; v++) {
                double lo = Math.min(index.vy[v], index.vy[v + 1]), hi = Math.max(index.vy[v], index.vy[v + 1]);
                int b0 = Math.max(0, (int) Math.floor((lo + 90) / BAND) - 1);
                int b1 = Math.min(n - 1, (int) Math.floor((hi + 90) / BAND) + 1);
                for (int b = b0; b <= b1; b++) {
                    sink.accept(v, b);
                }
            }
        }
    }

    int containing(double lat, double lon) {
        Arrays.fill(parity, 0);
        int b = Math.min(bands.length - 1, (int) Math.floor((lat + 90) / BAND));
        for (int v : bands[b]) {
            parity[index.vertexUnit[v]] ^=
                    Planar.crossesRay(lon, lat, index.vx[v], index.vy[v], index.vx[v + 1], index.vy[v + 1]);
        }
        for (int u = 0; u < parity.length; u++) {
            if (parity[u] != 0) {
                return u;
            }
        }
        return -1;
    }

    /** {unit, km} of the nearest border within maxKm by dense sampling (steps of at most stepKm), or {-1, NaN}. */
    double[] nearestBorder(double lat, double lon, double maxKm, double stepKm) {
        double windowDeg = Math.toDegrees(maxKm / 6371.0) + 0.01; // edges are tested by their own extent
        double best = Double.POSITIVE_INFINITY;
        int unit = -1;
        for (int r = 0; r < index.ringUnit.length; r++) {
            for (int v = index.ringStart[r]; v + 1 < index.ringStart[r + 1]; v++) {
                double x1 = index.vx[v], y1 = index.vy[v], x2 = index.vx[v + 1], y2 = index.vy[v + 1];
                if (Math.min(y1, y2) > lat + windowDeg || Math.max(y1, y2) < lat - windowDeg) {
                    continue;
                }
                if (Math.abs(lat) < 80) {
                    double lonWindow = windowDeg / Math.cos(Math.toRadians(Math.abs(lat) + windowDeg));
                    double mid = (x1 + x2) / 2, halfSpan = Math.abs(x2 - x1) / 2;
                    double off = Math.abs(((lon - mid) % 360 + 540) % 360 - 180);
                    if (off > halfSpan + lonWindow) {
                        continue;
                    }
                }
                double lenKm = meridian.core.geo.Earth.haversineKm(y1, x1, y2, x2);
                int steps = Math.max(1, (int) Math.ceil(lenKm / stepKm));
                for (int s = 0; s <= steps; s++) {
                    double t = (double) s / steps;
                    double d = meridian.core.geo.Earth.haversineKm(lat, lon, y1 + t * (y2 - y1), x1 + t * (x2 - x1));
                    if (d < best || (d == best && index.vertexUnit[v] < unit)) {
                        best = d;
                        unit = index.vertexUnit[v];
                    }
                }
            }
        }
        return best <= maxKm ? new double[] {unit, best} : new double[] {-1, Double.NaN};
    }
}
