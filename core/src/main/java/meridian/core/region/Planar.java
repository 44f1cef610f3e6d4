package meridian.core.region;

/**
 * The two predicates every containment decision is made of, shared by the index, its build and the
 * brute-force check, so that they round alike. Edges are straight lines in (longitude x, latitude y).
 *
 * <p>Boundary rule: containment is decided by the parity of crossings of a ray cast from the point
 * towards growing longitude, counting an edge when it straddles the point's latitude half-open (one end
 * strictly above, the other at or below) and crosses strictly east of the point. A point exactly on a
 * border therefore belongs to the unit on its east side (on an east-west border: on its north side), so
 * a point on a border shared by two units belongs to exactly one of them.
 */
final class Planar {
    private Planar() {}

    /** 1 if the edge crosses the eastward ray from (px, py), else 0. */
    static int crossesRay(double px, double py, double x1, double y1, double x2, double y2) {
        if ((y1 > py) != (y2 > py)) {
            double xi = x1 + (py - y1) * (x2 - x1) / (y2 - y1);
            return px < xi ? 1 : 0;
        }
        return 0;
    }

    /**
     * Parity change of the ray rule between (ax, ay) and (bx, by): the crossings of the path that goes
     * north or south along x = ax to by, then east or west along y = by to bx. The horizontal leg uses
     * the ray's own intersection formula, so the result agrees with {@link #crossesRay} at both ends.
     */
    static int crossesPath(double ax, double ay, double bx, double by, double x1, double y1, double x2, double y2) {
        int c = 0;
        if ((x1 > ax) != (x2 > ax)) {
            double yi = y1 + (ax - x1) * (y2 - y1) / (x2 - x1);
            // The ray rule sees a point as nudged east by ε and north by ε², so where the edge meets the
            // vertical leg exactly at one of its ends, the edge's slope decides on which side it passes.
            boolean rising = (y2 - y1) * (x2 - x1) > 0;
            boolean belowB = yi < by || (yi == by && !rising);
            boolean belowA = yi < ay || (yi == ay && !rising);
            if (belowB != belowA) {
                c = 1;
            }
        }
        if ((y1 > by) != (y2 > by)) {
            double xi = x1 + (by - y1) * (x2 - x1) / (y2 - y1);
            if ((bx < xi) != (ax < xi)) {
                c ^= 1;
            }
        }
        return c;
    }

    /** Whether the edge may touch the closed box; never false when it does. */
    static boolean touches(double x1, double y1, double x2, double y2, double bx0, double by0, double bx1, double by1) {
        if (Math.max(x1, x2) < bx0 || Math.min(x1, x2) > bx1 || Math.max(y1, y2) < by0 || Math.min(y1, y2) > by1) {
            return false;
        }
        double dx = x2 - x1, dy = y2 - y1;
        double eps = 1e-9 * (Math.abs(dx) + Math.abs(dy));
        double s1 = dx * (by0 - y1) - dy * (bx0 - x1);
        double s2 = dx * (by0 - y1) - dy * (bx1 - x1);
        double s3 = dx * (by1 - y1) - dy * (bx0 - x1);
        double s4 = dx * (by1 - y1) - dy * (bx1 - x1);
        boolean allAbove = s1 > eps && s2 > eps && s3 > eps && s4 > eps;
        boolean allBelow = s1 < -eps && s2 < -eps && s3 < -eps && s4 < -eps;
        return !allAbove && !allBelow;
    }
}
