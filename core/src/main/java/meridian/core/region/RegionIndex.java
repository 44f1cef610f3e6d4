package meridian.core.region;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import meridian.core.error.InvalidInputException;

/**
 * Which unit (country) contains a point: exact point-in-polygon over a set of units, with edges as
 * straight lines in longitude/latitude as GeoJSON defines them, holes and multi-part units by the even-odd
 * rule over all rings of a unit (which also settles self-intersecting rings), and the boundary rule of
 * {@link Planar}. Where units overlap, the one read first wins.
 *
 * <p><b>Repair.</b> A ring is unwrapped: an edge whose longitudes differ by more than 180° is taken to cross
 * the antimeridian (Russia's and Fiji's rings have such edges; read as they are, Russia would cover
 * Alaska), so the ring continues past ±180°. A ring whose unwrapped longitudes end 360° from where they
 * started goes around a pole (Antarctica): it is closed through the pole nearer to its mean latitude
 * (along the meridians of its ends, at latitude ±91°, so that the pole is inside). The
 * ring is then kept once more shifted by 360° wherever it extends past 180°, so that every point in
 * [-180, 180] sees it; the copies of a ring never overlap, so the even-odd rule is unchanged.
 *
 * <p><b>Layout.</b> A grid of 1° cells, each the root of a quadtree cut until a leaf meets at most
 * {@value #LEAF_EDGES} edges (or is {@value #MAX_DEPTH} levels deep, about 27 m). A leaf that no edge
 * touches is answered at once: its unit is stored in the reference to it. A leaf with edges stores, per
 * unit that has edges there, the parity of its centre and the edges: the parity at the query point is the
 * centre's parity plus the crossings of a path from the centre to the point (see
 * {@link Planar#crossesPath}), which never leaves the leaf. The centres' parities are computed when the
 * index is built, from the grid cells' centres (by the ray rule) down the tree. Everything is in flat
 * arrays; queries go through a {@link RegionLocator}, one per thread, which allocates nothing.
 *
 * <p>Invariants: immutable after construction; safe to share across threads.
 */
public final class RegionIndex {
    static final int LEAF_EDGES = Integer.getInteger("meridian.region.leafEdges", 8);
    static final int MAX_DEPTH = 12;

    /** 12 nautical miles: the breadth of the territorial sea (UNCLOS art. 3). */
    public static final double TERRITORIAL_SEA_KM = 22.224;

    final List<Region> regions;
    // repaired rings, end to end: ring r spans [ringStart[r], ringStart[r + 1]), closed
    final double[] vx;
    final double[] vy;
    final int[] ringStart;
    final int[] ringUnit;
    final int[] vertexUnit; // the unit of the ring each vertex belongs to (for distances at sea)
    /*
     * Tree references: >= 0 an inner node (children at quad[4 * ref .. 4 * ref + 3], quadrant bit 0 = east
     * half, bit 1 = north half); < 0 a leaf with code = -1 - ref: an even code 2 * (unit + 1) is a leaf
     * wholly inside that unit (unit -1: inside none); an odd code 2 * offset + 1 a leaf with edges, its record
     * at leafData[offset]: base unit (contains the whole leaf; -1 if none), unit count k, first edge, then k
     * pairs (unit << 1 | parity at the centre, end of its edges). Only units numbered below the base are
     * listed: they alone can win. Edges are vertex numbers v: the edge from v to v + 1.
     */
    final int[] top; // 360 x 180 grid, row-major from (-180, -90)
    final int[] quad;
    final int[] leafData;
    final int[] leafEdges;

    RegionIndex(
            List<Region> regions,
            double[] vx,
            double[] vy,
            int[] ringStart,
            int[] ringUnit,
            int[] vertexUnit,
            int[] top,
            int[] quad,
            int[] leafData,
            int[] leafEdges) {
        this.regions = regions;
        this.vx = vx;
        this.vy = vy;
        this.ringStart = ringStart;
        this.ringUnit = ringUnit;
        this.vertexUnit = vertexUnit;
        this.top = top;
        this.quad = quad;
        this.leafData = leafData;
        this.leafEdges = leafEdges;
    }

    /** Repairs the rings of {@code source} and builds the index over them. */
    public static RegionIndex build(RegionSource source) {
        return new Builder(source).build();
    }

    public int size() {
        return regions.size();
    }

    public Region region(int unit) {
        return regions.get(unit);
    }

    public List<Region> regions() {
        return regions;
    }

    /** A query cursor for one thread, with the territorial sea of {@value #TERRITORIAL_SEA_KM} km. */
    public RegionLocator locator() {
        return new RegionLocator(this, TERRITORIAL_SEA_KM);
    }

    /** A query cursor for one thread; points outside every unit within {@code seaKm} of a border get that unit. */
    public RegionLocator locator(double seaKm) {
        if (!(seaKm >= 0) || seaKm > 1000) {
            throw new InvalidInputException(
                    "invalid_option",
                    "the territorial sea must be between 0 and 1000 km, got " + seaKm,
                    Map.of("sea_km", seaKm));
        }
        return new RegionLocator(this, seaKm);
    }

    /** Number of repaired rings (ring copies shifted by 360° included); for exports, not for queries. */
    public int ringCount() {
        return ringUnit.length;
    }

    /** The unit of repaired ring r. */
    public int ringUnit(int r) {
        return ringUnit[r];
    }

    /** Repaired ring r as {longitudes, latitudes}, closed; longitudes may pass ±180°. A copy. */
    public double[][] ring(int r) {
        return new double[][] {
            Arrays.copyOfRange(vx, ringStart[r], ringStart[r + 1]),
            Arrays.copyOfRange(vy, ringStart[r], ringStart[r + 1])
        };
    }

    /** Bytes held by the index's arrays (the region records aside). */
    public long memoryBytes() {
        return 8L * (vx.length + vy.length)
                + 4L
                        * (ringStart.length
                                + ringUnit.length
                                + vertexUnit.length
                                + top.length
                                + quad.length
                                + leafData.length
                                + leafEdges.length);
    }

    /** Number of leaves with edges, and of all leaves: for the figures in BENCHMARKS.md. */
    String shape() {
        return String.format(
                java.util.Locale.ROOT,
                "%,d vertices, %,d inner nodes, %,d edge refs in leaves, %,d ints of leaf records",
                vx.length,
                quad.length / 4,
                leafEdges.length,
                leafData.length);
    }

    // --- construction ---

    private static final class Builder {
        final RegionSource source;
        final int units;
        double[] vx;
        double[] vy;
        int vertices;
        IntList ringStart = new IntList();
        IntList ringUnit = new IntList();
        IntList quad = new IntList();
        IntList leafData = new IntList();
        IntList leafEdges = new IntList();
        // per unit scratch for parities: toggles and the list of touched units
        final int[] toggle;
        final int[] mark;
        int markStamp;

        Builder(RegionSource source) {
            this.source = source;
            this.units = source.regions().size();
            this.toggle = new int[units];
            this.mark = new int[units];
            int n = source.x().length;
            vx = new double[2 * n + 16];
            vy = new double[2 * n + 16];
        }

        RegionIndex build() {
            for (int r = 0; r < source.ringCount(); r++) {
                repair(r);
            }
            ringStart.add(vertices);
            double[] x = Arrays.copyOf(vx, vertices);
            double[] y = Arrays.copyOf(vy, vertices);
            vx = x;
            vy = y;
            int[] rs = ringStart.toArray();
            int[] ru = ringUnit.toArray();
            int[] vu = new int[vertices];
            for (int r = 0; r < ru.length; r++) {
                Arrays.fill(vu, rs[r], rs[r + 1], ru[r]);
            }
            int[] top = buildTree(rs, vu);
            return new RegionIndex(
                    source.regions(), x, y, rs, ru, vu, top, quad.toArray(), leafData.toArray(), leafEdges.toArray());
        }

        /** Unwraps ring r, closes it through a pole if it goes around one, and adds it (and its shifted copy). */
        private void repair(int r) {
            int from = source.ringStart()[r];
            int to = source.ringStart()[r + 1];
            double[] sx = source.x();
            double[] sy = source.y();
            int n = to - from;
            double[] ux = new double[n + 3];
            double[] uy = new double[n + 3];
            ux[0] = sx[from];
            uy[0] = sy[from];
            double sumY = uy[0];
            // each position moved by a whole number of turns, not by summed differences: no rounding builds up,
            // and a ring that comes back to its start closes exactly
            long turns = 0;
            for (int i = 1; i < n; i++) {
                double d = sx[from + i] - sx[from + i - 1];
                if (d > 180) {
                    turns -= (long) Math.ceil((d - 180) / 360);
                } else if (d < -180) {
                    turns += (long) Math.ceil((-d - 180) / 360);
                }
                ux[i] = sx[from + i] + 360.0 * turns;
                uy[i] = sy[from + i];
                sumY += uy[i];
            }
            double net = ux[n - 1] - ux[0];
            int m = n;
            if (Math.abs(net) > 1e-9) {
                if (Math.abs(Math.abs(net) - 360) > 1e-6) {
                    Region unit = source.regions().get(source.ringUnit()[r]);
                    throw new InvalidInputException(
                            "invalid_geometry",
                            source.file() + ": a ring of unit " + unit.name() + " winds " + net / 360
                                    + " times around the globe",
                            Map.of("file", source.file(), "name", String.valueOf(unit.name()), "field", "ring " + r));
                }
                // around a pole: along the last meridian past the pole, across, back along the first meridian.
                // The closing edge runs at ±91°, off the map, so that the pole itself is inside rather than on
                // the border (where the boundary rule would put a point at 90° N outside).
                double pole = sumY / n < 0 ? -91 : 91;
                ux[m] = ux[n - 1];
                uy[m++] = pole;
                ux[m] = ux[0];
                uy[m++] = pole;
                ux[m] = ux[0];
                uy[m++] = uy[0];
            }
            double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < m; i++) {
                min = Math.min(min, ux[i]);
                max = Math.max(max, ux[i]);
            }
            // shift so that the ring starts in [-180, 180); keep copies 360° further west while they reach it
            double shift = -360 * Math.floor((min + 180) / 360);
            for (double s = shift; max + s > -180; s -= 360) {
                addRing(ux, uy, m, s, source.ringUnit()[r]);
            }
        }

        private void addRing(double[] ux, double[] uy, int m, double shift, int unit) {
            if (vertices + m > vx.length) {
                vx = Arrays.copyOf(vx, 2 * (vertices + m));
                vy = Arrays.copyOf(vy, 2 * (vertices + m));
            }
            ringStart.add(vertices);
            ringUnit.add(unit);
            for (int i = 0; i < m; i++) {
                vx[vertices] = ux[i] + shift;
                vy[vertices++] = uy[i];
            }
        }

        private int[] buildTree(int[] rs, int[] vu) {
            // edges into the 1° cells they touch (closed cells), and into the rows whose centre line they cross
            IntList[] cellEdges = new IntList[360 * 180];
            IntList[] rowEdges = new IntList[180];
            for (int r = 0; r + 1 < rs.length; r++) {
                for (int v = rs[r]; v + 1 < rs[r + 1]; v++) {
                    double x1 = vx[v], y1 = vy[v], x2 = vx[v + 1], y2 = vy[v + 1];
                    if (x1 == x2 && y1 == y2) {
                        continue; // a repeated position is no edge
                    }
                    double minX = Math.min(x1, x2), maxX = Math.max(x1, x2);
                    // every edge counts for the rays (a ray runs on past 180°); cells hold only what touches them
                    boolean inside = maxX >= -180 && minX <= 180;
                    int c0 = closedLow(minX + 180, 360), c1 = inside ? closedHigh(maxX + 180, 360) : c0 - 1;
                    int r0 = closedLow(Math.min(y1, y2) + 90, 180), r1 = closedHigh(Math.max(y1, y2) + 90, 180);
                    for (int row = r0; row <= r1; row++) {
                        if (rowEdges[row] == null) {
                            rowEdges[row] = new IntList();
                        }
                        rowEdges[row].add(v);
                        for (int col = c0; col <= c1; col++) {
                            double x0 = -180 + col, y0 = -90 + row;
                            if (Planar.touches(x1, y1, x2, y2, x0, y0, x0 + 1, y0 + 1)) {
                                int cell = row * 360 + col;
                                if (cellEdges[cell] == null) {
                                    cellEdges[cell] = new IntList();
                                }
                                cellEdges[cell].add(v);
                            }
                        }
                    }
                }
            }
            int[] top = new int[360 * 180];
            byte[] flip = new byte[units * 361];
            for (int row = 0; row < 180; row++) {
                // parities of the cells' centres on this row by the ray rule, swept from the east
                double cy = (-90 + row) + 0.5;
                Arrays.fill(flip, (byte) 0);
                IntList edges = rowEdges[row];
                for (int k = 0; edges != null && k < edges.size(); k++) {
                    int v = edges.get(k);
                    double x1 = vx[v], y1 = vy[v], x2 = vx[v + 1], y2 = vy[v + 1];
                    if ((y1 > cy) != (y2 > cy)) {
                        double xi = x1 + (cy - y1) * (x2 - x1) / (y2 - y1);
                        int t = (int) Math.max(0, Math.min(360, Math.ceil(xi + 179.5)));
                        while (t < 360 && ((-180 + t) + 0.5) < xi) {
                            t++;
                        }
                        while (t > 0 && !(((-180 + t - 1) + 0.5) < xi)) {
                            t--;
                        }
                        flip[vu[v] * 361 + t] ^= 1;
                    }
                }
                int[][] odd = new int[360][];
                IntList current = new IntList();
                for (int col = 359; col >= 0; col--) {
                    for (int u = 0; u < units; u++) {
                        if (flip[u * 361 + col + 1] != 0) {
                            current.toggleSorted(u);
                        }
                    }
                    odd[col] = current.toArray();
                }
                for (int col = 0; col < 360; col++) {
                    IntList e = cellEdges[row * 360 + col];
                    top[row * 360 + col] =
                            node(e == null ? new int[0] : e.toArray(), odd[col], -180 + col, -90 + row, 1.0, 0, vu);
                }
            }
            return top;
        }

        /** Builds the subtree of a cell whose centre has odd parity for the units in {@code odd}; returns its reference. */
        private int node(int[] edges, int[] odd, double x0, double y0, double size, int depth, int[] vu) {
            if (edges.length <= LEAF_EDGES || depth >= MAX_DEPTH) {
                return leaf(edges, odd, vu);
            }
            int node = quad.size() / 4;
            for (int q = 0; q < 4; q++) {
                quad.add(0);
            }
            double half = size * 0.5;
            double cx = x0 + half, cy = y0 + half;
            for (int q = 0; q < 4; q++) {
                double qx0 = x0 + ((q & 1) != 0 ? half : 0), qy0 = y0 + ((q & 2) != 0 ? half : 0);
                double qcx = qx0 + half * 0.5, qcy = qy0 + half * 0.5;
                IntList childEdges = new IntList();
                markStamp++;
                IntList touched = new IntList();
                for (int v : edges) {
                    double x1 = vx[v], y1 = vy[v], x2 = vx[v + 1], y2 = vy[v + 1];
                    int u = vu[v];
                    if (Planar.crossesPath(cx, cy, qcx, qcy, x1, y1, x2, y2) != 0) {
                        if (mark[u] != markStamp) {
                            mark[u] = markStamp;
                            toggle[u] = 0;
                            touched.add(u);
                        }
                        toggle[u] ^= 1;
                    }
                    if (Planar.touches(x1, y1, x2, y2, qx0, qy0, qx0 + half, qy0 + half)) {
                        childEdges.add(v);
                    }
                }
                IntList childOdd = IntList.of(odd);
                for (int i = 0; i < touched.size(); i++) {
                    int u = touched.get(i);
                    if (toggle[u] != 0) {
                        childOdd.toggleSorted(u);
                    }
                }
                int ref = node(childEdges.toArray(), childOdd.toArray(), qx0, qy0, half, depth + 1, vu);
                quad.set(4 * node + q, ref);
            }
            return node;
        }

        private int leaf(int[] edges, int[] odd, int[] vu) {
            // units with edges here, ascending, and the lowest unit that contains the whole leaf
            int[] byUnit = edges.clone();
            Integer[] boxed = new Integer[byUnit.length];
            for (int i = 0; i < boxed.length; i++) {
                boxed[i] = byUnit[i];
            }
            Arrays.sort(boxed, (a, b) -> vu[a] != vu[b] ? Integer.compare(vu[a], vu[b]) : Integer.compare(a, b));
            int base = -1;
            for (int u : odd) {
                boolean hasEdges = false;
                for (int v : edges) {
                    if (vu[v] == u) {
                        hasEdges = true;
                        break;
                    }
                }
                if (!hasEdges) {
                    base = u;
                    break;
                }
            }
            int limit = base < 0 ? Integer.MAX_VALUE : base;
            int count = 0;
            for (int i = 0; i < boxed.length; i++) {
                int u = vu[boxed[i]];
                if (u < limit && (i == 0 || vu[boxed[i - 1]] != u)) {
                    count++;
                }
            }
            if (count == 0) {
                return -1 - 2 * (base + 1);
            }
            int offset = leafData.size();
            leafData.add(base);
            leafData.add(count);
            leafData.add(leafEdges.size());
            for (int i = 0; i < boxed.length; i++) {
                int u = vu[boxed[i]];
                if (u >= limit) {
                    break;
                }
                leafEdges.add(boxed[i]);
                if (i + 1 == boxed.length || vu[boxed[i + 1]] != u || vu[boxed[i + 1]] >= limit) {
                    int parity = Arrays.binarySearch(odd, u) >= 0 ? 1 : 0;
                    leafData.add(u << 1 | parity);
                    leafData.add(leafEdges.size());
                }
            }
            return -1 - (2 * offset + 1);
        }

        /** The first of n unit cells [k, k + 1] (closed) that contains t. */
        private static int closedLow(double t, int n) {
            int k = (int) Math.floor(t);
            if (k == t) {
                k--;
            }
            return Math.max(0, Math.min(n - 1, k));
        }

        private static int closedHigh(double t, int n) {
            return Math.max(0, Math.min(n - 1, (int) Math.floor(t)));
        }
    }

    /** A growable int array for the build. */
    static final class IntList {
        private int[] a = new int[8];
        private int n;

        static IntList of(int[] values) {
            IntList l = new IntList();
            l.a = Arrays.copyOf(values, Math.max(8, values.length + 4));
            l.n = values.length;
            return l;
        }

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, 2 * n);
            }
            a[n++] = v;
        }

        int get(int i) {
            return a[i];
        }

        void set(int i, int v) {
            a[i] = v;
        }

        int size() {
            return n;
        }

        /** In a sorted list: removes v if present, else inserts it in order. */
        void toggleSorted(int v) {
            int at = Arrays.binarySearch(a, 0, n, v);
            if (at >= 0) {
                System.arraycopy(a, at + 1, a, at, n - at - 1);
                n--;
            } else {
                int ins = -at - 1;
                add(0);
                System.arraycopy(a, ins, a, ins + 1, n - 1 - ins);
                a[ins] = v;
            }
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
