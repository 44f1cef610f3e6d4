package meridian.core.enrich;

import java.util.Arrays;

/**
 * Enrichment results for a batch: for record {@code i}, {@link #count(int)} places (0 when none lies
 * within the radius) with their reference-set positions and haversine distances, nearest first.
 * Stored flat, {@code k} slots per record, so a batch costs three arrays whatever its size. When the
 * options ask for the country ({@link EnrichOptions#regions()}), two more arrays hold each record's unit of
 * the region index ({@link #unit}, -1 for none) and its distance ({@link #unitKm}: 0 inside, the distance at
 * sea); without it they are not touched.
 */
public final class Matches {
    private int k;
    private int size;
    private int[] count = new int[0];
    private int[] place = new int[0];
    private double[] km = new double[0];
    private RegionLookup regions;
    private int[] unit = new int[0];
    private double[] unitKm = new double[0];

    /** Prepares room for {@code size} records with up to {@code k} matches each; keeps capacity. */
    public void reset(int size, int k) {
        this.regions = null;
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

    /** As {@link #reset(int, int)} for {@code options}, with room for the country when they ask for it. */
    public void reset(int size, EnrichOptions options) {
        reset(size, options.k());
        this.regions = options.regions();
        if (regions != null && unit.length < size) {
            unit = new int[size];
            unitKm = new double[size];
        }
    }

    /** The country lookup these results hold, or null when they hold none. */
    public RegionLookup regions() {
        return regions;
    }

    /** The record's unit of the region index ({@link RegionLookup#index()}), or -1 for none. */
    public int unit(int record) {
        return unit[record];
    }

    /** 0 inside the record's unit, the distance in km to its border at sea; NaN when it has none. */
    public double unitKm(int record) {
        return unitKm[record];
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

    /** The places' column, slot {@code record * k + j}: with k = 1, a record's place at its own position. */
    int[] places() {
        return place;
    }

    /** The distances' column, as {@link #places()}. */
    double[] distances() {
        return km;
    }

    void set(int record, int j, int placeIndex, double distanceKm) {
        place[record * k + j] = placeIndex;
        km[record * k + j] = distanceKm;
    }

    void setUnit(int record, int u, double distanceKm) {
        unit[record] = u;
        unitKm[record] = distanceKm;
    }

    void setCount(int record, int n) {
        count[record] = n;
    }
}
