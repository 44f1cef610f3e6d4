package meridian.core.index;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import meridian.core.error.InvalidInputException;
import meridian.core.geo.Earth;

/**
 * A query cursor over one {@link NearestIndex}, for one thread at a time. It keeps the query state and
 * the k-nearest heap in fields so that repeated queries allocate nothing.
 *
 * <p>The descent visits the child whose box is nearer first and skips any box whose squared distance
 * from the query is above the current bound (the best squared chord so far and a rounding window, see
 * {@link #windowAbove}). Floating-point rounding is monotonic, so a box's computed distance never exceeds
 * the computed distance of a point inside it: pruning is exact.
 */
public final class Searcher {
    private final NearestIndex index;
    private final double[] points; // NearestIndex.points: x, y, z, lat, lon, cos(lat), caller's index of each point
    private final int[] order;
    private final int[] nodes;
    private final int[] way;

    private double qx;
    private double qy;
    private double qz;
    private final double[] q = new double[3]; // qx, qy, qz by axis
    private double qLat;
    private double qLon;
    private double qCosLat;
    private int lastPoint = -1; // the point whose distance is cached in lastDistanceKm
    private int answerPos = -1; // tree position of the last nearest answer, -1 after any other query
    private double lastDistanceKm;

    private double best; // squared chord of the nearest point so far
    private int bestPos; // its tree position
    private double bound; // windowAbove(best): the nearest search visits what is no farther than this
    private boolean nearTie; // another point than bestPos may be within the window: resolve by haversine
    private int[] tiePos = new int[8]; // resolveTie's candidates, reused

    private long[] curveKeys = new long[0]; // batch order: curve key << 32 | query offset
    private long[] sortBuffer = new long[0];
    private double[] sortedLat = new double[0];
    private double[] sortedLon = new double[0];
    private int[] sortedPlaces = new int[0];
    private final int[] digitCounts = new int[256];

    private int k;
    private int heapSize;
    private double[] heapDist = new double[1];
    private int[] heapPos = new int[1];

    Searcher(NearestIndex index) {
        this.index = index;
        this.points = index.points;
        this.order = index.order;
        this.nodes = index.nodes;
        this.way = index.way;
    }

    public NearestIndex index() {
        return index;
    }

    /**
     * Index of the point nearest to (lat, lon) by haversine distance, exactly as a scan of all points in
     * order would find it: among points at the same distance, the lowest index. (A set of up to
     * {@code LEAF_SIZE} points is scanned by the haversine term, which a rounding apart can still give the
     * same km: there the lower term wins, not the lower index.)
     */
    public int nearest(double lat, double lon) {
        if (index.size() <= NearestIndex.LEAF_SIZE) {
            return nearestByScan(lat, lon);
        }
        setQuery(lat, lon);
        best = Double.POSITIVE_INFINITY;
        bound = Double.POSITIVE_INFINITY;
        bestPos = -1;
        return search();
    }

    /**
     * Batches shorter than this are answered in input order: too few queries share a region of the tree
     * for their order to matter (at 1,024 the order already gains only 1.00-1.07x; below that it was not
     * measured, and 64 is a guess that keeps tiny batches free of the sort).
     */
    static final int ORDERED_BATCH_MIN = 64;

    /**
     * From this many queries on, the batch is copied into curve order before the search and the answers are
     * copied back after it, so that the search's loop reads and writes in sequence rather than all over
     * arrays larger than the cache. CPU time, {@code NearestCpuTime}, two alternated passes at load 1.1-1.2:
     * batches of 131,072 uniform 0.95-1.10x, near cities 1.06-1.23x, near airports 1.10-1.33x; of 65,536
     * 0.95-1.02x, 1.04-1.16x, 1.02-1.15x; of 16,384, where the copies (20 bytes a query) crowd the tree out of
     * the 512 KB level-2 cache, near airports 0.86x in both passes.
     */
    static final int GATHERED_BATCH_MIN = 65_536;

    /**
     * The nearest point of each query {@code i} in {@code [from, to)} of {@code lat}/{@code lon}: its
     * index in {@code places[i]} and its haversine distance in km in {@code km[i]}, exactly as
     * {@link #nearest(double, double)} and {@link #distanceKm} would give them, to the same place among
     * equally near ones. All coordinates are checked before any query is answered.
     *
     * <p>The queries are answered along a space-filling curve rather than in input order, so that
     * consecutive searches walk the same part of the tree while it is in cache: the search costs cache
     * misses more than arithmetic. Measured on the 199,568 cities, CPU time of one thread, 1 M queries in
     * batches of 16,384 against one by one in input order, same run (BENCHMARKS.md, "Nearest search in
     * batches"): uniform 1.34-1.48x, near cities 1.53-1.62x, near airports 1.60-1.69x; in batches of
     * 1,024 (the service's step) 1.02-1.24x.
     */
    public void nearest(double[] lat, double[] lon, int from, int to, int[] places, double[] km) {
        Objects.checkFromToIndex(from, to, Math.min(lat.length, lon.length));
        Objects.checkFromToIndex(from, to, Math.min(places.length, km.length));
        int n = to - from;
        for (int i = from; i < to; i++) {
            Earth.requireValid(lat[i], lon[i]);
        }
        if (n < ORDERED_BATCH_MIN || index.size() <= NearestIndex.LEAF_SIZE) {
            for (int i = from; i < to; i++) {
                int place = nearest(lat[i], lon[i]);
                places[i] = place;
                km[i] = distanceKm(place);
            }
            return;
        }
        if (curveKeys.length < n) {
            curveKeys = new long[Math.max(n, 2 * curveKeys.length)];
            sortBuffer = new long[curveKeys.length];
        }
        long[] keys = curveKeys;
        for (int j = 0; j < n; j++) {
            keys[j] = (curveKey(lat[from + j], lon[from + j]) & 0xFFFF_FFFFL) << 32 | j;
        }
        sortByCurveKey(keys, sortBuffer, n);
        boolean gathered = n >= GATHERED_BATCH_MIN;
        double[] qLats = lat;
        double[] qLons = lon;
        int[] found = places;
        double[] foundKm = km;
        if (gathered) {
            if (sortedLat.length < n) {
                sortedLat = new double[curveKeys.length];
                sortedLon = new double[curveKeys.length];
                sortedPlaces = new int[curveKeys.length];
            }
            qLats = sortedLat;
            qLons = sortedLon;
            for (int j = 0; j < n; j++) {
                int i = from + (int) keys[j];
                qLats[j] = lat[i];
                qLons[j] = lon[i];
            }
            found = sortedPlaces;
            foundKm = qLats; // each query's latitude is read before its distance takes its place
        }
        bestPos = -1;
        // The previous query and its answer: a point met again right after itself (equal coordinates share a
        // curve key, so along the curve they come together) takes the same answer without a search. Real point
        // files repeat (the shared event file: 20,000 events at 220 points): process on 1 M rows of its points
        // printed 1.42-1.57x the MB/s without it (four of five alternated pairs; the fifth 0.98x); on points
        // that never repeat the test costs 1-2% (NearestVsBuild, 0.98-0.99x) (BENCHMARKS.md).
        double prevLat = Double.NaN;
        double prevLon = Double.NaN;
        int prevPlace = -1;
        double prevKm = 0;
        for (int j = 0; j < n; j++) {
            int at = gathered ? j : from + (int) keys[j];
            double la = qLats[at];
            double lo = qLons[at];
            if (la == prevLat && lo == prevLon) {
                found[at] = prevPlace;
                foundKm[at] = prevKm;
                continue;
            }
            setQuery(la, lo);
            seedWithPrevious();
            int place = search();
            double d = distanceKm(place);
            found[at] = place;
            foundKm[at] = d;
            prevLat = la;
            prevLon = lo;
            prevPlace = place;
            prevKm = d;
        }
        lastPoint = -1;
        if (gathered) {
            for (int j = 0; j < n; j++) {
                int i = from + (int) keys[j];
                places[i] = found[j];
                km[i] = foundKm[j];
            }
        }
    }

    /**
     * Starts the search with the previous answer of the batch: its exact distance from the new query is a
     * real point's, hence a valid bound, and along the curve it is usually near. Counted on the cities,
     * 200,000 queries in batches of 16,384: uniform points visit 20.7 nodes and 1.99 leaves instead of 22.0
     * and 2.39; points near the cities 15.9 and 1.59 either way (the nearer-first descent already finds
     * their answer in the first leaf). In time it is within the noise (BENCHMARKS.md).
     */
    private void seedWithPrevious() {
        int p = bestPos;
        if (p < 0) {
            best = Double.POSITIVE_INFINITY;
            bound = Double.POSITIVE_INFINITY;
            return;
        }
        double dx = points[NearestIndex.POINT_DOUBLES * p] - qx,
                dy = points[NearestIndex.POINT_DOUBLES * p + 1] - qy,
                dz = points[NearestIndex.POINT_DOUBLES * p + 2] - qz;
        best = dx * dx + dy * dy + dz * dz;
        bound = windowAbove(best);
    }

    /**
     * Runs the descent from the bound set by the caller and returns the nearest point's index. The chord
     * ranks points as the great circle does, but its rounding differs from the haversine's: two points whose
     * distances differ by less than the rounding could rank differently. So the descent keeps every point
     * within {@link #windowAbove} of the best chord in view and notes whether one other than the best turned
     * up; only then (in practice: places at the same coordinates) are the points in the window ranked by
     * their haversine distances, the lowest caller index first among equal ones, which is what a scan of
     * all places in order with {@code <} gives.
     */
    private int search() {
        nearTie = false;
        lastPoint = -1;
        descend();
        if (nearTie) {
            resolveTie();
        }
        answerPos = bestPos;
        return (int) points[NearestIndex.POINT_DOUBLES * bestPos + NearestIndex.INDEX];
    }

    /**
     * The largest squared chord that may belong to a point as near as one at squared chord {@code d} once
     * rounding is accounted for. Unit vectors are rounded to about 1e-16 in each coordinate, so a computed
     * chord c is off by at most ~1e-15 (absolute); the haversine is off by a few parts in 1e16 (relative).
     * In squared chords the margin 2c * 1e-15 is below d * 1e-9 for c above 2e-6 (13 m) and below 1e-20 under
     * it, so this window is wide enough with a factor of a thousand to spare, yet narrow enough (5e-10 of the
     * distance, 0.6 mm at the least) that only places at the same coordinates fall in it in practice.
     */
    private static double windowAbove(double d) {
        return d + d * 1e-9 + 1e-20;
    }

    /** Admits a point within the bound: a new best narrows the window, another one in it is a near tie. */
    private void admit(double d, int pos) {
        if (d < best) {
            double window = windowAbove(d);
            nearTie = best <= window;
            best = d;
            bound = window;
            bestPos = pos;
        } else if (pos != bestPos) {
            nearTie = true;
        }
    }

    /** Ranks every point within the final window by haversine distance; leaves the winner's km cached. */
    private void resolveTie() {
        tieCount = 0;
        collectWithin(index.rootRef, 0, index.size());
        double bestKm = Double.POSITIVE_INFINITY;
        int winner = -1;
        for (int t = 0; t < tieCount; t++) {
            int point = order[tiePos[t]];
            double d = index.distanceKm(qLat, qLon, qCosLat, point);
            if (d < bestKm || (d == bestKm && point < order[winner])) {
                bestKm = d;
                winner = tiePos[t];
            }
        }
        bestPos = winner;
        lastPoint = order[winner];
        lastDistanceKm = bestKm;
    }

    private int tieCount;

    private void collectWithin(int ref, int lo, int hi) {
        if (ref >= 0) {
            int b = ref * NearestIndex.NODE_INTS;
            int mid = (lo + hi) >>> 1;
            if (boxDistance(b + 4) <= bound) {
                collectWithin(nodes[b], lo, mid);
            }
            if (boxDistance(b + 10) <= bound) {
                collectWithin(nodes[b + 1], mid, hi);
            }
            return;
        }
        for (int i = lo; i < hi; i++) {
            double dx = points[NearestIndex.POINT_DOUBLES * i] - qx,
                    dy = points[NearestIndex.POINT_DOUBLES * i + 1] - qy,
                    dz = points[NearestIndex.POINT_DOUBLES * i + 2] - qz;
            if (dx * dx + dy * dy + dz * dz <= bound) {
                if (tieCount == tiePos.length) {
                    tiePos = Arrays.copyOf(tiePos, 2 * tieCount);
                }
                tiePos[tieCount++] = i;
            }
        }
    }

    /**
     * Sorts {@code keys[0..n)} by their upper 32 bits (the curve key, unsigned), keeping the input order
     * among equal keys: a least-significant-digit radix sort, four passes of 8 bits through {@code buffer}.
     * Measured alone (CPU time, load 11): 7-9 ns a key for 16,384 keys against 56-63 ns for
     * {@code Arrays.sort}, which was 5-8% of a query; for 1,024 keys both cost 65-87 ns a key.
     */
    private void sortByCurveKey(long[] keys, long[] buffer, int n) {
        int[] counts = digitCounts;
        long[] from = keys;
        long[] to = buffer;
        for (int shift = 32; shift < 64; shift += 8) {
            Arrays.fill(counts, 0);
            for (int j = 0; j < n; j++) {
                counts[(int) (from[j] >>> shift) & 0xFF]++;
            }
            int sum = 0;
            for (int d = 0; d < 256; d++) {
                int c = counts[d];
                counts[d] = sum;
                sum += c;
            }
            for (int j = 0; j < n; j++) {
                long key = from[j];
                to[counts[(int) (key >>> shift) & 0xFF]++] = key;
            }
            long[] t = from;
            from = to;
            to = t;
        }
        // after an even number of passes the sorted keys are back in keys
    }

    /**
     * Position on a Z-order (Morton) curve over latitude and longitude, 16 bits each: nearby points get
     * nearby keys except across the curve's seams, which cost locality, never exactness.
     */
    static int curveKey(double lat, double lon) {
        int y = (int) ((lat + 90.0) * (65535.0 / 180.0));
        int x = (int) ((lon + 180.0) * (65535.0 / 360.0));
        return spread(y) << 1 | spread(x);
    }

    /** The low 16 bits of v moved to the even bit positions. */
    private static int spread(int v) {
        v &= 0xFFFF;
        v = (v | v << 8) & 0x00FF00FF;
        v = (v | v << 4) & 0x0F0F0F0F;
        v = (v | v << 2) & 0x33333333;
        return (v | v << 1) & 0x55555555;
    }

    /**
     * A set that fits in one leaf needs no tree: rank its points by the haversine term h, which grows with
     * distance, and keep the winner's distance so that {@link #distanceKm} costs nothing. It skips the
     * unit-vector conversion, a third of the work for the reference design's two-place set.
     */
    private int nearestByScan(double lat, double lon) {
        Earth.requireValid(lat, lon);
        answerPos = -1;
        double cosLat = Math.cos(Math.toRadians(lat));
        qLat = lat;
        qLon = lon;
        qCosLat = cosLat;
        double bestH = Double.POSITIVE_INFINITY;
        int bestPoint = 0;
        for (int i = 0, n = index.size(); i < n; i++) {
            double h = Earth.haversineTerm(lat, lon, cosLat, index.lat(i), index.lon(i), index.cosLat(i));
            if (h < bestH) {
                bestH = h;
                bestPoint = i;
            }
        }
        lastPoint = bestPoint;
        lastDistanceKm = Earth.kmFromHaversineTerm(bestH);
        return bestPoint;
    }

    /**
     * Haversine distance in km from the last query point to the indexed point {@code index}; cheaper than
     * {@link NearestIndex#distanceKm} because the query's cosine of latitude is already known.
     */
    public double distanceKm(int pointIndex) {
        if (pointIndex == lastPoint) {
            return lastDistanceKm;
        }
        if (answerPos >= 0 && (int) points[NearestIndex.POINT_DOUBLES * answerPos + NearestIndex.INDEX] == pointIndex) {
            return index.distanceKmAt(qLat, qLon, qCosLat, answerPos);
        }
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
        visitKnn(index.rootRef, 0, index.size());
        return out.fill(this, heapPos, heapDist, heapSize, maxKm);
    }

    private void setQuery(double lat, double lon) {
        Earth.requireValid(lat, lon);
        lastPoint = -1;
        answerPos = -1;
        double phi = Math.toRadians(lat);
        double lambda = Math.toRadians(lon);
        double c = Math.cos(phi);
        qLat = lat;
        qLon = lon;
        qCosLat = c;
        qx = c * Math.cos(lambda);
        qy = c * Math.sin(lambda);
        qz = Math.sin(phi);
        q[0] = qx;
        q[1] = qy;
        q[2] = qz;
    }

    /**
     * The first way down: into the child whose box's face along the split axis is nearer (read from the
     * compact {@code way[]}, not from the nodes), without a box distance, to a leaf; then, from the deepest
     * level up, each child passed by is searched unless its box is beyond the bound, first tested along the
     * split axis alone (that face's distance, the box distance's own term, so the test is exact).
     * Against the descent into the nearer of the two boxes at every node (two box distances per node), CPU
     * time, {@code NearestCpuTime}, 1 M queries, two alternated passes at load 0.6-1.1: batches of 16,384
     * uniform 1.07-1.22x, near cities 1.12-1.16x, near airports 1.14-1.32x; with everything in cache (64
     * queries over and over) 1.2-1.25x: the descent's cost is the arithmetic as much as the misses.
     */
    private void descend() {
        int lo = 0;
        int hi = index.size();
        int depth = 0;
        if (index.rootRef >= 0) {
            final int[] way = this.way;
            int h = 0;
            while (true) {
                int at = NearestIndex.WAY_INTS * h;
                int code = way[at + 2];
                int axis = code & 3;
                double qa = q[axis];
                double leftMax = Float.intBitsToFloat(way[at]);
                double rightMin = Float.intBitsToFloat(way[at + 1]);
                int b = (code >>> 4) * NearestIndex.NODE_INTS;
                int mid = (lo + hi) >>> 1;
                boolean leaf;
                if (qa + qa < leftMax + rightMin) {
                    passedAt[depth] = b + 10;
                    passedLo[depth] = mid;
                    passedHi[depth] = hi;
                    passedGap[depth] = rightMin - qa;
                    hi = mid;
                    h = 2 * h + 1;
                    leaf = (code & 8) != 0;
                } else {
                    passedAt[depth] = b + 4;
                    passedLo[depth] = lo;
                    passedHi[depth] = mid;
                    passedGap[depth] = qa - leftMax;
                    lo = mid;
                    h = 2 * h + 2;
                    leaf = (code & 4) != 0;
                }
                depth++;
                if (leaf) {
                    break;
                }
            }
        }
        int ref = -(lo + 1);
        visitNearest(ref, lo, hi);
        while (--depth >= 0) {
            double gap = passedGap[depth];
            if (gap > 0 && gap * gap > bound) {
                continue;
            }
            int at = passedAt[depth];
            if (boxDistance(at) <= bound) {
                int b = at & -NearestIndex.NODE_INTS;
                visitNearest(nodes[at == b + 4 ? b : b + 1], passedLo[depth], passedHi[depth]);
            }
        }
    }

    // at most 32 levels: each halves the points (NearestIndex.restore checks the halving)
    private final int[] passedAt = new int[64]; // box of the child passed by at each depth of the first way down
    private final int[] passedLo = new int[64]; // its points
    private final int[] passedHi = new int[64];
    private final double[] passedGap = new double[64]; // its box's distance along the split axis (or less)

    private void visitNearest(int ref, int lo, int hi) {
        if (ref >= 0) {
            nearestIn(ref, lo, hi);
            return;
        }
        final double x = qx, y = qy, z = qz;
        for (int i = lo; i < hi; i++) {
            double dx = points[NearestIndex.POINT_DOUBLES * i] - x,
                    dy = points[NearestIndex.POINT_DOUBLES * i + 1] - y,
                    dz = points[NearestIndex.POINT_DOUBLES * i + 2] - z;
            double d = dx * dx + dy * dy + dz * dz;
            if (d <= bound) {
                admit(d, i);
            }
        }
    }

    private void nearestIn(int node, int lo, int hi) {
        int b = node * NearestIndex.NODE_INTS;
        int mid = (lo + hi) >>> 1;
        double dl = boxDistance(b + 4);
        double dr = boxDistance(b + 10);
        if (dl <= dr) {
            if (dl <= bound) {
                visitNearest(nodes[b], lo, mid);
            }
            if (dr <= bound) {
                visitNearest(nodes[b + 1], mid, hi);
            }
        } else {
            if (dr <= bound) {
                visitNearest(nodes[b + 1], mid, hi);
            }
            if (dl <= bound) {
                visitNearest(nodes[b], lo, mid);
            }
        }
    }

    private void visitKnn(int ref, int lo, int hi) {
        if (ref >= 0) {
            knnIn(ref, lo, hi);
            return;
        }
        for (int i = lo; i < hi; i++) {
            offer(i);
        }
    }

    private void knnIn(int node, int lo, int hi) {
        int b = node * NearestIndex.NODE_INTS;
        int mid = (lo + hi) >>> 1;
        double dl = boxDistance(b + 4);
        double dr = boxDistance(b + 10);
        if (dl <= dr) {
            if (dl < best) {
                visitKnn(nodes[b], lo, mid);
            }
            if (dr < best) {
                visitKnn(nodes[b + 1], mid, hi);
            }
        } else {
            if (dr < best) {
                visitKnn(nodes[b + 1], mid, hi);
            }
            if (dl < best) {
                visitKnn(nodes[b], lo, mid);
            }
        }
    }

    /** Squared distance from the query to the box stored at {@code nodes[at..at + 6)} (0 inside it). */
    private double boxDistance(int at) {
        double dx = outside(Float.intBitsToFloat(nodes[at]) - qx, qx - Float.intBitsToFloat(nodes[at + 3]));
        double dy = outside(Float.intBitsToFloat(nodes[at + 1]) - qy, qy - Float.intBitsToFloat(nodes[at + 4]));
        double dz = outside(Float.intBitsToFloat(nodes[at + 2]) - qz, qz - Float.intBitsToFloat(nodes[at + 5]));
        return dx * dx + dy * dy + dz * dz;
    }

    /**
     * {@code max(0, below, above)}, for {@code below = lo - q} and {@code above = q - hi} of a box with
     * {@code lo <= hi}, of which at most one is positive (a rounded difference has the sign of the exact one):
     * {@code (v + |v|) / 2} is {@code v} when positive and 0 otherwise, exactly, and adding that 0 is exact, so
     * this is the very value the two {@code Math.max} gave, without them. The quick compiler calls
     * {@code Math.max} (it has no intrinsic for it): 8% of {@code process}'s worker samples on 1 M rows near
     * the cities; {@code Math.abs} is one instruction under both compilers.
     */
    static double outside(double below, double above) {
        return ((below + Math.abs(below)) + (above + Math.abs(above))) * 0.5;
    }

    /** Max-heap of the k best so far; {@code best} is the admission bound. */
    private void offer(int pos) {
        double dx = points[NearestIndex.POINT_DOUBLES * pos] - qx,
                dy = points[NearestIndex.POINT_DOUBLES * pos + 1] - qy,
                dz = points[NearestIndex.POINT_DOUBLES * pos + 2] - qz;
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
