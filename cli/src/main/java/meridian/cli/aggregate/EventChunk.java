package meridian.cli.aggregate;

import java.util.Arrays;

/**
 * A chunk of parsed events, by column: the unit of parallel work in {@code meridian aggregate}. Filled by
 * one {@link EventReader} on the reading thread (or by an {@link EventBlock} on its worker), then owned by
 * one worker. {@link #grow} makes room when a block's rows hold more events than its line ends promised
 * (a lone carriage return ends a row too).
 */
final class EventChunk {
    int capacity;
    int size;
    long[] line;
    long[] id;
    String[] key;
    /** Where a key read from a block's bytes lies in them (then {@link #key} is null), and its hash. */
    int[] keyStart;

    int[] keyEnd;
    int[] keyHash;
    double[] lat;
    double[] lon;
    double[] value;
    long[] tsMicros;
    String[] ts;

    EventChunk(int capacity) {
        this.capacity = capacity;
        line = new long[capacity];
        id = new long[capacity];
        key = new String[capacity];
        keyStart = new int[capacity];
        keyEnd = new int[capacity];
        keyHash = new int[capacity];
        lat = new double[capacity];
        lon = new double[capacity];
        value = new double[capacity];
        tsMicros = new long[capacity];
        ts = new String[capacity];
    }

    boolean isFull() {
        return size == capacity;
    }

    /** Doubles the capacity, keeping the events. */
    void grow() {
        capacity = Math.max(16, capacity * 2);
        line = Arrays.copyOf(line, capacity);
        id = Arrays.copyOf(id, capacity);
        key = Arrays.copyOf(key, capacity);
        keyStart = Arrays.copyOf(keyStart, capacity);
        keyEnd = Arrays.copyOf(keyEnd, capacity);
        keyHash = Arrays.copyOf(keyHash, capacity);
        lat = Arrays.copyOf(lat, capacity);
        lon = Arrays.copyOf(lon, capacity);
        value = Arrays.copyOf(value, capacity);
        tsMicros = Arrays.copyOf(tsMicros, capacity);
        ts = Arrays.copyOf(ts, capacity);
    }

    /** Forgets the events (the strings are dropped, so a reused chunk holds no garbage alive). */
    void clear() {
        Arrays.fill(key, 0, size, null);
        Arrays.fill(ts, 0, size, null);
        size = 0;
    }
}
