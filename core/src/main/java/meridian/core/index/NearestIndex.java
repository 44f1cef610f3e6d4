package meridian.core.index;

import java.util.Arrays;
import java.util.Map;
import meridian.core.error.InvalidInputException;
import meridian.core.geo.Earth;

/**
 * Exact nearest-place search on the sphere.
 *
 * <p>Points are stored as unit vectors in a static 3-d k-d tree laid out in flat arrays: one record per
 * point in one {@code double[]} (its unit vector and what an answer reads), reordered so that every subtree
 * owns a contiguous range, and the inner nodes in
 * one {@code int[]}, sixteen ints (one cache line) each: both children and the tight bounding boxes of
 * both, so that choosing which child to visit first costs one memory access. A leaf is not a node: its
 * point range follows from the way down (see the node layout). There is no object per point or per node. Straight-line (chord) distance between unit vectors is a monotonic
 * function of great-circle distance, so ranking by chord is exact everywhere on the sphere: at the poles,
 * across the antimeridian, in the open ocean. Tight boxes (rather than split planes) matter for the last
 * case: a query far out at sea touches only the few coastal boxes near its answer. Reported distances are
 * haversine kilometres.
 *
 * <p>Invariants: immutable after {@link #build}; safe to share across threads. Queries go through a
 * {@link Searcher}, one per thread, which reuses its buffers so that steady-state queries do not allocate.
 */
public final class NearestIndex {
    /** Points per leaf (tunable for benchmarks with -Dmeridian.index.leafSize); see BENCHMARKS.md. */
    static final int LEAF_SIZE = Math.max(2, Integer.getInteger("meridian.index.leafSize", 12));

    private final int size;
    /*
     * The points in tree order, POINT_DOUBLES a point: the unit vector (x, y, z), then what the answer
     * reads: the latitude, longitude and cos(latitude) of its haversine distance and the caller's index (a
     * double, exact for any int). They lie in the cache line the leaf scan has just read, where they were a
     * second array in tree order and order[] (a cache miss each on a large set; before that, three arrays in
     * the caller's order). CPU time, NearestCpuTime, batches of 16,384, alternated pairs at load 1.0-1.7:
     * the answer's distance fields beside the point, against their own array, near the cities 1.09-1.17x,
     * near airports 1.05-1.18x, uniform 1.01-1.08x; the caller's index too, against order[], near the cities
     * 1.12-1.22x, near airports 1.04-1.15x, uniform 1.00-1.11x (BENCHMARKS.md). With order[] and position[],
     * 64 bytes a point where the separate arrays and a copy of the coordinates in the caller's order took 76:
     * 2.4 MB less for the bundled cities.
     */
    static final int POINT_DOUBLES = 7;

    /** The most points one index holds: their records fill one Java array. */
    public static final int MAX_POINTS = (Integer.MAX_VALUE - 8) / POINT_DOUBLES;

    // where a point's answer fields are in its record (the unit vector is at 0, 1, 2)
    static final int LAT = 3;
    static final int LON = 4;
    static final int COS_LAT = 5;
    static final int INDEX = 6;

    final double[] points;
    final int[] order; // tree position -> caller's index (also in points, for the search's answer)
    /*
     * Inner node layout, NODE_INTS ints per node:
     *   [0] left child, [1] right child: an inner node's number, or -(first point + 1) for a leaf;
     *   [2] the split axis (0, 1, 2 for x, y, z), [3] the split coordinate as float bits: the median
     *       point's, rounded (kept in the stored tree; the search's way down chooses by the faces in way[]);
     *   [4..9] left child's box, [10..15] right child's box: min x, y, z, max x, y, z as float bits,
     *          rounded outwards.
     * A node over the points [lo, hi) splits them at mid = (lo + hi) >>> 1: its children own [lo, mid) and
     * [mid, hi), so the search knows a leaf's range from its way down and no node stores it.
     */
    static final int NODE_INTS = 16;

    final int[] nodes;
    final int rootRef; // as a child reference: the root node, or the whole set as one leaf
    /*
     * The way down, WAY_INTS ints per inner node in heap order (the root at 0, the children of h at 2h + 1 and
     * 2h + 2): the left child's box's max and the right child's box's min along the split axis (float bits, the
     * boxes' own rounded faces), and node << 4 | left is a leaf << 3 | right is a leaf << 2 | axis. What the
     * first way down and the exact test of each child passed by need, 12 bytes a node where nodes[] has 64,
     * so that the levels below the ones consecutive queries share are read from the level-2 cache (393 KB for
     * the bundled cities, whose nodes[] is 1 MB); the tree is balanced (the halving), so heap order leaves
     * at most half of it unused. CPU time of one thread, the search with it against the same search on
     * nodes[], alternated in one JVM, median of 9 rounds of 1 M queries (BENCHMARKS.md): batches of 16,384
     * uniform 1.03-1.07x, near the cities 1.02-1.03x, near airports 1.02-1.03x; one by one 1.03x, 1.06x, 1.07x.
     */
    static final int WAY_INTS = 3;

    final int[] way;
    private int nodeCount;
    private final int[] position; // caller's index -> tree position, where its record is

    private NearestIndex(double[] lat, double[] lon) {
        this(lat, lon, null);
    }

    /** Builds the tree, or takes {@code tree} (made by {@link #tree()} over the same points) as it is. */
    private NearestIndex(double[] lat, double[] lon, Tree tree) {
        this.size = lat.length;
        this.points = new double[POINT_DOUBLES * size];
        int maxNodes = size / Math.max(1, LEAF_SIZE / 2) + 1;
        int[] nodeArray = tree == null ? new int[NODE_INTS * maxNodes] : tree.nodes();
        this.nodes = nodeArray;
        if (tree == null) {
            this.order = new int[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
        } else {
            // the points go straight to the tree's order, as build() leaves them (restore() checked the order)
            this.order = tree.order().clone();
        }
        // One pass per point, its answer record too: 200k points are too few for the JIT to compile this
        // loop (CompileThresholdScaling=3 in the launcher), so each pass costs interpreted bytecodes.
        for (int pos = 0; pos < size; pos++) {
            int i = order[pos];
            double la = lat[i];
            double lo = lon[i];
            if (!Earth.isValidLatitude(la) || !Earth.isValidLongitude(lo)) {
                throw new InvalidInputException(
                        "invalid_coordinate",
                        "point " + i + " has coordinates out of range: (" + la + ", " + lo + ")",
                        Map.of("index", i, "lat", la, "lon", lo));
            }
            double phi = Math.toRadians(la);
            double lambda = Math.toRadians(lo);
            double c = Math.cos(phi);
            int at = POINT_DOUBLES * pos;
            points[at] = c * Math.cos(lambda);
            points[at + 1] = c * Math.sin(lambda);
            points[at + 2] = Math.sin(phi);
            points[at + LAT] = la;
            points[at + LON] = lo;
            points[at + COS_LAT] = c;
            points[at + INDEX] = i;
        }
        if (tree == null) {
            int[] rootSlots = new int[6];
            this.rootRef = build(0, size, new double[] {-1, -1, -1, 1, 1, 1}, rootSlots, 0);
            // build() moved the unit vectors into the tree's order (the records were in the caller's, which
            // was the identity): the answers' fields follow, from a copy
            double[] cosLat = new double[size];
            for (int i = 0; i < size; i++) {
                cosLat[i] = points[POINT_DOUBLES * i + COS_LAT];
            }
            for (int pos = 0; pos < size; pos++) {
                int i = order[pos];
                int at = POINT_DOUBLES * pos;
                points[at + LAT] = lat[i];
                points[at + LON] = lon[i];
                points[at + COS_LAT] = cosLat[i];
                points[at + INDEX] = i;
            }
        } else {
            this.nodeCount = tree.nodes().length / NODE_INTS;
            this.rootRef = tree.rootRef();
        }
        this.position = new int[size];
        for (int pos = 0; pos < size; pos++) {
            position[order[pos]] = pos;
        }
        // inner nodes at depths 0 .. innerDepth - 1 take the heap's first 2^innerDepth - 1 places
        this.way = new int[WAY_INTS * ((1 << innerDepth(rootRef)) - 1)];
        fillWay(rootRef, 0);
    }

    /**
     * Builds an index over points given as parallel latitude/longitude arrays (degrees). Result indexes
     * refer to positions in these arrays.
     *
     * @throws InvalidInputException if there are no points or a coordinate is out of range
     */
    public static NearestIndex build(double[] lat, double[] lon) {
        if (lat.length != lon.length) {
            throw new IllegalArgumentException("lat and lon differ in length: " + lat.length + " vs " + lon.length);
        }
        if (lat.length == 0) {
            throw new InvalidInputException(
                    "empty_reference_set", "cannot search an empty set of places: load at least one place", Map.of());
        }
        if (lat.length > MAX_POINTS) {
            throw new InvalidInputException(
                    "too_many_places",
                    "cannot index " + lat.length + " places: at most " + MAX_POINTS + " in one set",
                    Map.of("places", lat.length, "max", MAX_POINTS));
        }
        return new NearestIndex(lat, lon);
    }

    /**
     * The built tree as plain arrays, to be stored with the points (the bundled cities' snapshot) and given
     * back to {@link #restore}: the build of 200k points is ~0.1 s of CPU and as much again of compiling its
     * loops, on the way to the service's first answer.
     *
     * @param order tree position to the caller's index
     * @param nodes the inner nodes, {@value #NODE_INTS} ints each (see the layout above)
     * @param rootRef the root as a child reference
     */
    public record Tree(int[] order, int[] nodes, int rootRef) {}

    /** This index's tree (copies), see {@link Tree}. */
    public Tree tree() {
        return new Tree(order.clone(), Arrays.copyOf(nodes, nodeCount * NODE_INTS), rootRef);
    }

    /**
     * The index over these points with a tree made by {@link #tree()} over the same points: the answers are
     * those of {@link #build}. The tree is checked for shape (a permutation, node references in range), not
     * for its boxes: it must come from the same points.
     */
    public static NearestIndex restore(double[] lat, double[] lon, Tree tree) {
        int n = lat.length;
        int nodeCount = tree.nodes().length / NODE_INTS;
        boolean ok = n > 0
                && n <= MAX_POINTS
                && lon.length == n
                && tree.order().length == n
                && tree.nodes().length % NODE_INTS == 0
                && (tree.rootRef() < 0 ? -tree.rootRef() - 1 == 0 && nodeCount == 0 : tree.rootRef() < nodeCount);
        if (ok) {
            boolean[] seen = new boolean[n];
            for (int i : tree.order()) {
                if (i < 0 || i >= n || seen[i]) {
                    ok = false;
                    break;
                }
                seen[i] = true;
            }
            ok = ok && fits(tree.nodes(), nodeCount, tree.rootRef(), 0, n);
        }
        if (!ok) {
            throw new IllegalArgumentException("the tree does not fit these " + n + " points");
        }
        return new NearestIndex(lat, lon, tree);
    }

    /** Levels of inner nodes below the node {@code ref} (0 for a leaf). */
    private int innerDepth(int ref) {
        if (ref < 0) {
            return 0;
        }
        return 1 + Math.max(innerDepth(nodes[ref * NODE_INTS]), innerDepth(nodes[ref * NODE_INTS + 1]));
    }

    private void fillWay(int ref, int h) {
        if (ref < 0) {
            return;
        }
        int b = ref * NODE_INTS;
        int axis = nodes[b + 2];
        way[WAY_INTS * h] = nodes[b + 7 + axis];
        way[WAY_INTS * h + 1] = nodes[b + 10 + axis];
        way[WAY_INTS * h + 2] = ref << 4 | (nodes[b] < 0 ? 8 : 0) | (nodes[b + 1] < 0 ? 4 : 0) | axis;
        fillWay(nodes[b], 2 * h + 1);
        fillWay(nodes[b + 1], 2 * h + 2);
    }

    /** Whether the subtree {@code ref} over the points [lo, hi) has the shape {@link #build} gives it. */
    private static boolean fits(int[] nodes, int nodeCount, int ref, int lo, int hi) {
        if (ref < 0) {
            return -ref - 1 == lo && hi > lo;
        }
        int axis = ref < nodeCount ? nodes[ref * NODE_INTS + 2] : -1;
        if (hi - lo < 2 || axis < 0 || axis > 2) {
            return false;
        }
        int mid = (lo + hi) >>> 1;
        return fits(nodes, nodeCount, nodes[ref * NODE_INTS], lo, mid)
                && fits(nodes, nodeCount, nodes[ref * NODE_INTS + 1], mid, hi);
    }

    public int size() {
        return size;
    }

    public double lat(int index) {
        return points[POINT_DOUBLES * position[index] + LAT];
    }

    public double lon(int index) {
        return points[POINT_DOUBLES * position[index] + LON];
    }

    /** Haversine distance in km from a query point to the indexed point {@code index}. */
    public double distanceKm(double queryLat, double queryLon, int index) {
        return Earth.haversineKm(queryLat, queryLon, lat(index), lon(index));
    }

    double cosLat(int index) {
        return points[POINT_DOUBLES * position[index] + COS_LAT];
    }

    double distanceKm(double queryLat, double queryLon, double queryCosLat, int index) {
        return distanceKmAt(queryLat, queryLon, queryCosLat, position[index]);
    }

    /** {@link #distanceKm(double, double, double, int)} for the point at tree position {@code pos}. */
    double distanceKmAt(double queryLat, double queryLon, double queryCosLat, int pos) {
        return Earth.haversineKm(
                queryLat,
                queryLon,
                queryCosLat,
                points[POINT_DOUBLES * pos + LAT],
                points[POINT_DOUBLES * pos + LON],
                points[POINT_DOUBLES * pos + COS_LAT]);
    }

    /** A query cursor for one thread. */
    public Searcher searcher() {
        return new Searcher(this);
    }

    /** Convenience for one-off queries: the index of the nearest point. */
    public int nearest(double queryLat, double queryLon) {
        return searcher().nearest(queryLat, queryLon);
    }

    // --- construction: recursive median split on the axis of widest spread ---

    /**
     * Builds the subtree of points [lo, hi), writes its box to {@code slots[boxAt..boxAt + 6)}; returns its
     * child reference. The split axis is the widest side
     * of the subtree's region (the parent's region cut at the split), known before the points are scanned;
     * an inner box is the union of its children's, so each level costs time in nodes, not in points.
     */
    private int build(int lo, int hi, double[] region, int[] slots, int boxAt) {
        if (hi - lo <= LEAF_SIZE) {
            fitLeafBox(lo, hi, slots, boxAt);
            return -(lo + 1);
        }
        int node = nodeCount++;
        int base = node * NODE_INTS;
        double dx = region[3] - region[0], dy = region[4] - region[1], dz = region[5] - region[2];
        int axis = dx >= dy ? (dx >= dz ? 0 : 2) : (dy >= dz ? 1 : 2);
        int mid = (lo + hi) >>> 1;
        select(mid, lo, hi - 1, axis);
        double split = points[POINT_DOUBLES * mid + axis];
        nodes[base + 2] = axis;
        nodes[base + 3] = Float.floatToRawIntBits((float) split);
        double saved = region[3 + axis];
        region[3 + axis] = split;
        nodes[base] = build(lo, mid, region, nodes, base + 4);
        region[3 + axis] = saved;
        saved = region[axis];
        region[axis] = split;
        nodes[base + 1] = build(mid, hi, region, nodes, base + 10);
        region[axis] = saved;
        for (int c = 0; c < 3; c++) {
            float min = Math.min(Float.intBitsToFloat(nodes[base + 4 + c]), Float.intBitsToFloat(nodes[base + 10 + c]));
            float max = Math.max(Float.intBitsToFloat(nodes[base + 7 + c]), Float.intBitsToFloat(nodes[base + 13 + c]));
            slots[boxAt + c] = Float.floatToRawIntBits(min);
            slots[boxAt + 3 + c] = Float.floatToRawIntBits(max);
        }
        return node;
    }

    private void fitLeafBox(int lo, int hi, int[] slots, int boxAt) {
        double minX = Double.POSITIVE_INFINITY, minY = minX, minZ = minX;
        double maxX = Double.NEGATIVE_INFINITY, maxY = maxX, maxZ = maxX;
        for (int i = lo; i < hi; i++) {
            double x = points[POINT_DOUBLES * i], y = points[POINT_DOUBLES * i + 1], z = points[POINT_DOUBLES * i + 2];
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
            minZ = Math.min(minZ, z);
            maxZ = Math.max(maxZ, z);
        }
        slots[boxAt] = Float.floatToRawIntBits(floatBelow(minX));
        slots[boxAt + 1] = Float.floatToRawIntBits(floatBelow(minY));
        slots[boxAt + 2] = Float.floatToRawIntBits(floatBelow(minZ));
        slots[boxAt + 3] = Float.floatToRawIntBits(floatAbove(maxX));
        slots[boxAt + 4] = Float.floatToRawIntBits(floatAbove(maxY));
        slots[boxAt + 5] = Float.floatToRawIntBits(floatAbove(maxZ));
    }

    /*
     * Boxes are kept as floats, half the memory of doubles, rounded outwards so that a box always contains
     * its points: the distance to a box stays a lower bound and the search stays exact.
     */
    private static float floatBelow(double v) {
        float f = (float) v;
        return f > v ? Math.nextDown(f) : f;
    }

    private static float floatAbove(double v) {
        float f = (float) v;
        return f < v ? Math.nextUp(f) : f;
    }

    /** Floyd-Rivest selection: after it, element k is in its sorted place along axis a within [left, right]. */
    private void select(int k, int left, int right, int a) {
        while (right > left) {
            if (right - left > 600) {
                int n = right - left + 1;
                int m = k - left + 1;
                double z = Math.log(n);
                double s = 0.5 * Math.exp(2 * z / 3);
                double sd = 0.5 * Math.sqrt(z * s * (n - s) / n) * (m - n / 2.0 < 0 ? -1 : 1);
                int newLeft = (int) Math.max(left, Math.floor(k - m * s / n + sd));
                int newRight = (int) Math.min(right, Math.floor(k + (n - m) * s / n + sd));
                select(k, newLeft, newRight, a);
            }
            double t = points[POINT_DOUBLES * k + a];
            int i = left;
            int j = right;
            swap(left, k);
            if (points[POINT_DOUBLES * right + a] > t) {
                swap(left, right);
            }
            while (i < j) {
                swap(i, j);
                i++;
                j--;
                while (points[POINT_DOUBLES * i + a] < t) {
                    i++;
                }
                while (points[POINT_DOUBLES * j + a] > t) {
                    j--;
                }
            }
            if (points[POINT_DOUBLES * left + a] == t) {
                swap(left, j);
            } else {
                j++;
                swap(j, right);
            }
            if (j <= k) {
                left = j + 1;
            }
            if (k <= j) {
                right = j - 1;
            }
        }
    }

    private void swap(int i, int j) {
        int oi = order[i];
        order[i] = order[j];
        order[j] = oi;
        for (int c = 0; c < 3; c++) {
            double t = points[POINT_DOUBLES * i + c];
            points[POINT_DOUBLES * i + c] = points[POINT_DOUBLES * j + c];
            points[POINT_DOUBLES * j + c] = t;
        }
    }
}
