package meridian.core.region;

import meridian.core.geo.Earth;

/**
 * A query cursor over one {@link RegionIndex}, for one thread at a time; queries allocate nothing.
 *
 * <p><b>At sea.</b> A point inside no unit gets the unit whose border is nearest by great-circle distance,
 * when that distance is at most the cursor's territorial sea, and {@link #distanceKm()} is that distance
 * (0 inside a unit; NaN when no unit is found). An edge is the straight line in longitude/latitude between
 * its ends (as containment takes it, not the great-circle arc): the distance to it is the minimum of the
 * haversine distance along that line, found by golden-section search on each piece of at most
 * {@value #PIECE_DEG}° of the edge until the bracket is under 5·10⁻⁶° long (about 0.55 m), so the distance
 * returned is at most 0.6 m above the true minimum, never below it (it is the distance to a point of the edge). On such
 * short pieces the distance along the line has one minimum wherever the point is within the 1,000 km a
 * territorial sea may be set to (the line is within metres of a great-circle arc, along which distance
 * from a point has one minimum); a test checks it against a dense scan of every edge near the coast.
 * Candidate edges are pruned by a lower bound on the distance to their box, so far from every coast no edge
 * is measured.
 */
public final class RegionLocator {
    static final double PIECE_DEG = 0.5;
    private static final double GOLDEN = 0.6180339887498949;

    private final RegionIndex index;
    private final double seaKm;
    private final double seaHav; // haversine term of seaKm
    private final double[] vx;
    private final double[] vy;
    private final int[] top;
    private final int[] quad;
    private final int[] leafData;
    private final int[] leafEdges;
    private final int[] vertexUnit;

    // explicit stack for the border search: reference, cell corner and size
    private final int[] stackRef = new int[4 * RegionIndex.MAX_DEPTH + 8];
    private final double[] stackX = new double[4 * RegionIndex.MAX_DEPTH + 8];
    private final double[] stackY = new double[4 * RegionIndex.MAX_DEPTH + 8];
    private final double[] stackSize = new double[4 * RegionIndex.MAX_DEPTH + 8];
    private final double[] stackBound = new double[4 * RegionIndex.MAX_DEPTH + 8];

    private double distanceKm = Double.NaN;
    // the query, for the border search
    private double qLat;
    private double qLon;
    private double qCos;
    private double bestHav;
    private int bestUnit;
    private boolean edgePass;

    RegionLocator(RegionIndex index, double seaKm) {
        this.index = index;
        this.seaKm = seaKm;
        double s = Math.sin(seaKm / (2 * Earth.RADIUS_KM));
        this.seaHav = s * s;
        this.vx = index.vx;
        this.vy = index.vy;
        this.top = index.top;
        this.quad = index.quad;
        this.leafData = index.leafData;
        this.leafEdges = index.leafEdges;
        this.vertexUnit = index.vertexUnit;
    }

    public RegionIndex index() {
        return index;
    }

    public double seaKm() {
        return seaKm;
    }

    /**
     * The unit containing (lat, lon), or else the unit with the nearest border within the territorial sea;
     * -1 if none. {@link #distanceKm()} then tells which case it was.
     */
    public int locate(double lat, double lon) {
        int unit = containing(lat, lon);
        if (unit >= 0) {
            distanceKm = 0;
            return unit;
        }
        unit = nearestBorder(lat, lon);
        distanceKm = unit < 0 ? Double.NaN : Earth.kmFromHaversineTerm(bestHav);
        return unit;
    }

    /** After {@link #locate}: 0 inside a unit, the distance to its border at sea, NaN if no unit was found. */
    public double distanceKm() {
        return distanceKm;
    }

    /** The unit containing (lat, lon) by the rules of {@link RegionIndex}, or -1; no territorial sea. */
    public int containing(double lat, double lon) {
        Earth.requireValid(lat, lon);
        int col = Math.min(359, (int) Math.floor(lon + 180));
        int row = Math.min(179, (int) Math.floor(lat + 90));
        double x0 = -180 + col, y0 = -90 + row, size = 1.0;
        int ref = top[row * 360 + col];
        while (ref >= 0) {
            size *= 0.5;
            int q = 0;
            if (lon >= x0 + size) {
                x0 += size;
                q = 1;
            }
            if (lat >= y0 + size) {
                y0 += size;
                q |= 2;
            }
            ref = quad[4 * ref + q];
        }
        int code = -1 - ref;
        if ((code & 1) == 0) {
            return (code >> 1) - 1;
        }
        double half = size * 0.5;
        return inLeaf(code >> 1, x0 + half, y0 + half, lon, lat);
    }

    private int inLeaf(int at, double cx, double cy, double px, double py) {
        int base = leafData[at];
        int k = leafData[at + 1];
        int e = leafData[at + 2];
        final double[] x = vx, y = vy;
        for (int i = 0; i < k; i++) {
            int unitParity = leafData[at + 3 + 2 * i];
            int end = leafData[at + 4 + 2 * i];
            int parity = unitParity & 1;
            for (; e < end; e++) {
                int v = leafEdges[e];
                parity ^= Planar.crossesPath(cx, cy, px, py, x[v], y[v], x[v + 1], y[v + 1]);
            }
            if (parity != 0) {
                return unitParity >> 1;
            }
        }
        return base;
    }

    // --- at sea ---

    private int nearestBorder(double lat, double lon) {
        if (seaKm == 0) {
            return -1;
        }
        qLat = lat;
        qLon = lon;
        qCos = Math.cos(Math.toRadians(lat));
        // a hair above the limit so that rounding cannot drop a border at exactly seaKm; checked exactly below
        bestHav = seaHav * (1 + 1e-12);
        bestUnit = -1;
        double dLat = Math.toDegrees(seaKm / Earth.RADIUS_KM);
        int row0 = Math.max(0, (int) Math.floor(lat - dLat + 90));
        int row1 = Math.min(179, (int) Math.floor(lat + dLat + 90));
        int cols;
        int col0;
        double reach = Math.abs(lat) + dLat;
        if (reach >= 89.0) {
            col0 = 0;
            cols = 360;
        } else {
            // within distance d the longitude differs by at most asin(sin(d / R) / cos(lat))
            double dLon = Math.toDegrees(Math.asin(Math.min(1.0, Math.sin(seaKm / Earth.RADIUS_KM) / qCos))) + 1e-9;
            col0 = (int) Math.floor(lon - dLon + 180);
            cols = Math.min(360, (int) Math.floor(lon + dLon + 180) - col0 + 1);
        }
        // first the vertices, which bound the answer from above cheaply; then the edges that can still beat it
        for (int pass = 0; pass < 2; pass++) {
            edgePass = pass == 1;
            for (int row = row0; row <= row1; row++) {
                for (int c = 0; c < cols; c++) {
                    int col = Math.floorMod(col0 + c, 360);
                    searchCell(top[row * 360 + col], -180 + col, -90 + row);
                }
            }
        }
        if (bestUnit >= 0 && Earth.kmFromHaversineTerm(bestHav) > seaKm) {
            bestUnit = -1;
        }
        return bestUnit;
    }

    /** Depth-first through one grid cell, nearer children first, skipping what cannot beat the best so far. */
    private void searchCell(int rootRef, double x0, double y0) {
        if (rootRef < 0 && ((-1 - rootRef) & 1) == 0) {
            return; // no edge in it
        }
        stackRef[0] = rootRef;
        stackX[0] = x0;
        stackY[0] = y0;
        stackSize[0] = 1.0;
        stackBound[0] = boxHav(x0, y0, x0 + 1, y0 + 1);
        int sp = 1;
        while (sp > 0) {
            sp--;
            if (stackBound[sp] >= bestHav) {
                continue;
            }
            int ref = stackRef[sp];
            double bx = stackX[sp], by = stackY[sp], size = stackSize[sp];
            if (ref >= 0) {
                double half = size * 0.5;
                int first = sp;
                for (int q = 0; q < 4; q++) {
                    int child = quad[4 * ref + q];
                    if (child < 0 && ((-1 - child) & 1) == 0) {
                        continue;
                    }
                    double cx = bx + ((q & 1) != 0 ? half : 0), cy = by + ((q & 2) != 0 ? half : 0);
                    double bound = boxHav(cx, cy, cx + half, cy + half);
                    if (bound >= bestHav) {
                        continue;
                    }
                    // insertion by falling bound, so that the nearest child is popped first
                    int i = sp++;
                    while (i > first && stackBound[i - 1] < bound) {
                        stackRef[i] = stackRef[i - 1];
                        stackX[i] = stackX[i - 1];
                        stackY[i] = stackY[i - 1];
                        stackSize[i] = stackSize[i - 1];
                        stackBound[i] = stackBound[i - 1];
                        i--;
                    }
                    stackRef[i] = child;
                    stackX[i] = cx;
                    stackY[i] = cy;
                    stackSize[i] = half;
                    stackBound[i] = bound;
                }
                continue;
            }
            int at = (-1 - ref) >> 1;
            int k = leafData[at + 1];
            int from = leafData[at + 2];
            int to = leafData[at + 2 + 2 * k];
            for (int e = from; e < to; e++) {
                int v = leafEdges[e];
                double x1 = vx[v], y1 = vy[v];
                double h;
                if (edgePass) {
                    double x2 = vx[v + 1], y2 = vy[v + 1];
                    if (boxHav(Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)) >= bestHav) {
                        continue;
                    }
                    h = edgeHav(qLat, qLon, qCos, x1, y1, x2, y2);
                } else {
                    if (boxHav(x1, y1, x1, y1) >= bestHav) {
                        continue;
                    }
                    h = hav(qLat, qLon, qCos, x1, y1);
                }
                int unit = vertexUnit[v];
                if (h < bestHav || (h == bestHav && unit < bestUnit)) {
                    bestHav = h;
                    bestUnit = unit;
                }
            }
        }
    }

    /** cos of every whole degree of latitude: cos φ over a box is at least COS_DEG[ceil(max |φ|)]. */
    private static final double[] COS_DEG = new double[92];

    static {
        for (int d = 0; d <= 90; d++) {
            COS_DEG[d] = Math.max(0, Math.cos(Math.toRadians(d)) - 1e-15);
        }
        COS_DEG[91] = 0;
    }

    /**
     * A lower bound of the haversine term from the query to any point of the box, without trigonometry:
     * sin²(Δφ/2) + cos φq · cos φ · sin²(Δλ/2) with the smallest latitude and longitude differences
     * (longitude modulo 360), cos φ bounded by the table above and sin θ by θ − θ³/6.
     */
    private double boxHav(double x0, double y0, double x1, double y1) {
        double dLat = qLat < y0 ? y0 - qLat : qLat > y1 ? qLat - y1 : 0;
        double dLon;
        if (x1 - x0 >= 360) {
            dLon = 0;
        } else {
            double a = ((qLon - x0) % 360 + 360) % 360; // how far the query is east of x0, in [0, 360)
            double w = x1 - x0;
            dLon = a <= w ? 0 : Math.min(a - w, 360 - a);
        }
        double maxAbs = Math.max(Math.abs(y0), Math.abs(y1));
        double cosMin = COS_DEG[Math.min(91, (int) Math.ceil(maxAbs))];
        double sLat = sinBelow(Math.toRadians(dLat) * 0.5);
        double sLon = sinBelow(Math.toRadians(dLon) * 0.5);
        return (sLat * sLat + qCos * cosMin * sLon * sLon) * (1 - 1e-9);
    }

    /** A lower bound of sin θ for θ in [0, π/2]: θ − θ³/6 (the Taylor series alternates), at least 0. */
    private static double sinBelow(double t) {
        return Math.max(0, t - t * t * t / 6);
    }

    /** The smallest haversine term from (lat, lon) to the lon/lat straight edge (x1, y1)-(x2, y2). */
    static double edgeHav(double lat, double lon, double cosLat, double x1, double y1, double x2, double y2) {
        double span = Math.max(Math.abs(x2 - x1), Math.abs(y2 - y1));
        int pieces = Math.max(1, (int) Math.ceil(span / PIECE_DEG));
        double best = Double.POSITIVE_INFINITY;
        for (int p = 0; p < pieces; p++) {
            double a = (double) p / pieces, b = (double) (p + 1) / pieces;
            best = Math.min(best, pieceHav(lat, lon, cosLat, x1, y1, x2 - x1, y2 - y1, a, b, 5e-6 / span));
        }
        return best;
    }

    private static double pieceHav(
            double lat,
            double lon,
            double cosLat,
            double x1,
            double y1,
            double dx,
            double dy,
            double a,
            double b,
            double tolerance) {
        double ha = hav(lat, lon, cosLat, x1 + a * dx, y1 + a * dy);
        double hb = hav(lat, lon, cosLat, x1 + b * dx, y1 + b * dy);
        double best = Math.min(ha, hb);
        double c = b - GOLDEN * (b - a), d = a + GOLDEN * (b - a);
        double hc = hav(lat, lon, cosLat, x1 + c * dx, y1 + c * dy);
        double hd = hav(lat, lon, cosLat, x1 + d * dx, y1 + d * dy);
        while (b - a > tolerance) {
            if (hc < hd) {
                b = d;
                d = c;
                hd = hc;
                c = b - GOLDEN * (b - a);
                hc = hav(lat, lon, cosLat, x1 + c * dx, y1 + c * dy);
            } else {
                a = c;
                c = d;
                hc = hd;
                d = a + GOLDEN * (b - a);
                hd = hav(lat, lon, cosLat, x1 + d * dx, y1 + d * dy);
            }
        }
        return Math.min(best, Math.min(hc, hd));
    }

    private static double hav(double lat, double lon, double cosLat, double x, double y) {
        return Earth.haversineTerm(lat, lon, cosLat, y, x, Math.cos(Math.toRadians(y)));
    }
}
