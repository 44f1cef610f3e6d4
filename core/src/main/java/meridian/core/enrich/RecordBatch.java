package meridian.core.enrich;

import java.util.Arrays;

/**
 * A batch of records to enrich, stored by column: ids, coordinates, and every record's payload packed
 * into one {@code double[]} ({@code payloadStart[i]} to {@code payloadStart[i + 1]}). Columns keep the
 * hot loop on primitive arrays and make a batch reusable: {@link #clear()} keeps the capacity.
 *
 * <p>Not thread-safe while being filled; after filling, disjoint index ranges may be enriched concurrently.
 */
public final class RecordBatch {
    private int size;
    private long[] ids;
    private double[] lat;
    private double[] lon;
    private boolean[] hasPayload;
    private int[] payloadStart;
    private double[] payload;
    private int payloadSize;

    public RecordBatch() {
        this(1024);
    }

    public RecordBatch(int capacity) {
        int c = Math.max(1, capacity);
        ids = new long[c];
        lat = new double[c];
        lon = new double[c];
        hasPayload = new boolean[c];
        payloadStart = new int[c + 1];
        payload = new double[c];
    }

    public int size() {
        return size;
    }

    public void clear() {
        size = 0;
        payloadSize = 0;
    }

    /** Appends a record without payload; returns its position. */
    public int add(long id, double latitude, double longitude) {
        int i = reserve();
        ids[i] = id;
        lat[i] = latitude;
        lon[i] = longitude;
        hasPayload[i] = false;
        payloadStart[i + 1] = payloadSize;
        return i;
    }

    /** Appends a record with a payload (copied); returns its position. */
    public int add(long id, double latitude, double longitude, double[] values, int from, int length) {
        int i = add(id, latitude, longitude);
        hasPayload[i] = true;
        ensurePayload(payloadSize + length);
        System.arraycopy(values, from, payload, payloadSize, length);
        payloadSize += length;
        payloadStart[i + 1] = payloadSize;
        return i;
    }

    public long id(int i) {
        return ids[i];
    }

    public double lat(int i) {
        return lat[i];
    }

    public double lon(int i) {
        return lon[i];
    }

    /** The latitude column, record {@code i} at {@code i} (its length is the capacity, not the size). */
    double[] lats() {
        return lat;
    }

    /** The longitude column, as {@link #lats()}. */
    double[] lons() {
        return lon;
    }

    public boolean hasPayload(int i) {
        return hasPayload[i];
    }

    public int payloadStart(int i) {
        return payloadStart[i];
    }

    public int payloadEnd(int i) {
        return payloadStart[i + 1];
    }

    public int payloadLength(int i) {
        return payloadStart[i + 1] - payloadStart[i];
    }

    public double payload(int i, int j) {
        return payload[payloadStart[i] + j];
    }

    /** The packed payload column; values of record i are at {@code [payloadStart(i), payloadEnd(i))}. */
    public double[] payloadValues() {
        return payload;
    }

    /** A deep copy, for callers that must keep the original values. */
    public RecordBatch copy() {
        RecordBatch c = new RecordBatch(size);
        copyInto(c);
        return c;
    }

    /**
     * Copies this batch into {@code target}, reusing the target's arrays when they are large enough: a
     * batch copied again and again (a retry, a benchmark iteration) costs no allocation and stays in cache.
     */
    public void copyInto(RecordBatch target) {
        if (target.ids.length < size) {
            target.ids = new long[size];
            target.lat = new double[size];
            target.lon = new double[size];
            target.hasPayload = new boolean[size];
            target.payloadStart = new int[size + 1];
        }
        if (target.payload.length < payloadSize) {
            target.payload = new double[payloadSize];
        }
        target.size = size;
        target.payloadSize = payloadSize;
        System.arraycopy(ids, 0, target.ids, 0, size);
        System.arraycopy(lat, 0, target.lat, 0, size);
        System.arraycopy(lon, 0, target.lon, 0, size);
        System.arraycopy(hasPayload, 0, target.hasPayload, 0, size);
        System.arraycopy(payloadStart, 0, target.payloadStart, 0, size + 1);
        System.arraycopy(payload, 0, target.payload, 0, payloadSize);
    }

    private int reserve() {
        if (size == ids.length) {
            int c = ids.length * 2;
            ids = Arrays.copyOf(ids, c);
            lat = Arrays.copyOf(lat, c);
            lon = Arrays.copyOf(lon, c);
            hasPayload = Arrays.copyOf(hasPayload, c);
            payloadStart = Arrays.copyOf(payloadStart, c + 1);
        }
        return size++;
    }

    private void ensurePayload(int needed) {
        if (needed > payload.length) {
            payload = Arrays.copyOf(payload, Math.max(needed, payload.length * 2));
        }
    }
}
