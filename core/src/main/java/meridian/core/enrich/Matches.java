package meridian.core.enrich;

import java.util.Arrays;

/**
 * Enrichment results for a batch: for record {@code i}, {@link #count(int)} places (0 when none lies
 * within the radius) with their reference-set positions and haversine distances, nearest first.
 * Stored flat, {@code k} slots per record, so a batch costs three arrays whatever its size.
 */
public final class Matches {
    private int k;
    private int size;
    private int[] count = new int[0];
    private int[] place = new int[0];
    private double[] km = new double[0];

    /** Prepares room for {@code size} records with up to {@code k} matches each; keeps capacity. */
    public void reset(int size, int k) {
        this.size = size;
        this.k = k;
        if (count.length < size) {
            count = new int[size];
        }
        long slots = (long) size * k;
        if (place.length < slots) {
            place = new int[Math.toIntExact(slots)];
            km = new double[place.length];
        }
        Arrays.fill(count, 0, size, 0);
    }

    public int size() {
        return size;
    }

    public int k() {
        return k;
    }

    public int count(int record) {
        return count[record];
    }

    /** Position in the reference set of the j-th nearest place of the record. */
    public int place(int record, int j) {
        return place[record * k + j];
    }

    public double distanceKm(int record, int j) {
        return km[record * k + j];
    }

    void set(int record, int j, int placeIndex, double distanceKm) {
        place[record * k + j] = placeIndex;
        km[record * k + j] = distanceKm;
    }

    void setCount(int record, int n) {
        count[record] = n;
    }
}
