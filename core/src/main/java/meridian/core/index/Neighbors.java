package meridian.core.index;

/**
 * The answer to a k-nearest or radius query: up to k point indexes with their haversine distances in km,
 * nearest first. Reusable: each query overwrites it, so a thread can keep one for its whole batch.
 */
public final class Neighbors {
    private int count;
    private int[] index = new int[1];
    private double[] km = new double[1];

    public int count() {
        return count;
    }

    /** Index (in the order the points were given to the index) of the i-th nearest. */
    public int index(int i) {
        if (i >= count) {
            throw new IndexOutOfBoundsException("neighbour " + i + " of " + count);
        }
        return index[i];
    }

    public double distanceKm(int i) {
        if (i >= count) {
            throw new IndexOutOfBoundsException("neighbour " + i + " of " + count);
        }
        return km[i];
    }

    int fill(Searcher searcher, int[] heapPos, double[] heapDist, int heapSize, double maxKm) {
        if (index.length < heapSize) {
            index = new int[heapSize];
            km = new double[heapSize];
        }
        int n = 0;
        for (int h = 0; h < heapSize; h++) {
            int point = searcher.treeToIndex(heapPos[h]);
            double d = searcher.distanceKm(point);
            if (d > maxKm) {
                continue;
            }
            // insertion sort by haversine distance: k is small, and chord order can differ in the last ulp
            int i = n++;
            while (i > 0 && km[i - 1] > d) {
                km[i] = km[i - 1];
                index[i] = index[i - 1];
                i--;
            }
            km[i] = d;
            index[i] = point;
        }
        count = n;
        return n;
    }
}
