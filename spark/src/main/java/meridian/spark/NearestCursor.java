package meridian.spark;

import meridian.core.index.Neighbors;
import meridian.core.index.Searcher;
import meridian.core.refs.ReferenceSet;

/**
 * One thread's queries against a shared {@link ReferenceSet}: the engine's {@link Searcher} and reusable
 * result buffers, so a partition allocates nothing per row for the search itself.
 *
 * <p>Semantics are those of core {@code Enricher}: for {@code k == 1} without a distance limit the plain
 * nearest search, otherwise the k-nearest search within {@code maxKm} (inclusive). For {@code k > 1} the
 * answers come in distance order with ties broken by place id, including ties at the k-th place: when the
 * (k+1)-th answer is as far as the k-th, the search widens until the tied group is complete, so which of
 * several equidistant places make the cut does not depend on the index layout.
 */
final class NearestCursor {
    private final ReferenceSet set;
    private final Searcher searcher;
    private final Neighbors neighbors = new Neighbors();
    private int count;
    private int[] place = new int[1];
    private double[] km = new double[1];

    NearestCursor(ReferenceSet set) {
        this.set = set;
        this.searcher = set.index().searcher();
    }

    ReferenceSet set() {
        return set;
    }

    /**
     * Finds the places near a valid coordinate (see {@link Coordinates}); returns how many (0 when none lies
     * within {@code maxKm}). Read them with {@link #place} and {@link #km}.
     */
    int find(double lat, double lon, int k, double maxKm) {
        if (k == 1 && maxKm == Double.POSITIVE_INFINITY) {
            int p = searcher.nearest(lat, lon);
            place[0] = p;
            km[0] = searcher.distanceKm(p);
            count = 1;
            return 1;
        }
        if (k == 1) {
            int found = searcher.nearest(lat, lon, 1, maxKm, neighbors);
            if (found == 1) {
                place[0] = neighbors.index(0);
                km[0] = neighbors.distanceKm(0);
            }
            count = found;
            return found;
        }
        int ask = k + 1;
        int found = searcher.nearest(lat, lon, ask, maxKm, neighbors);
        // a tie across the cut: widen until the group at the k-th distance is complete
        while (found == ask && neighbors.distanceKm(ask - 1) == neighbors.distanceKm(k - 1) && ask < set.size()) {
            ask = Math.min(set.size(), ask * 2);
            found = searcher.nearest(lat, lon, ask, maxKm, neighbors);
        }
        if (place.length < found) {
            place = new int[found];
            km = new double[found];
        }
        for (int i = 0; i < found; i++) {
            int p = neighbors.index(i);
            double d = neighbors.distanceKm(i);
            int j = i;
            // insertion by (distance, id): the engine's order is by distance already, so this only moves ties
            while (j > 0 && km[j - 1] == d && set.id(place[j - 1]).compareTo(set.id(p)) > 0) {
                place[j] = place[j - 1];
                km[j] = km[j - 1];
                j--;
            }
            place[j] = p;
            km[j] = d;
        }
        count = Math.min(found, k);
        return count;
    }

    int count() {
        return count;
    }

    /** Position in the set of the i-th answer. */
    int place(int i) {
        return place[i];
    }

    double km(int i) {
        return km[i];
    }
}
