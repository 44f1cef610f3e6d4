package meridian.cli.aggregate;

/**
 * A chunk of parsed events, by column: the unit of parallel work in {@code meridian aggregate}. Filled by
 * one {@link EventReader} on the reading thread, then owned by one worker.
 */
final class EventChunk {
    final int capacity;
    int size;
    final long[] line;
    final long[] id;
    final String[] key;
    final double[] lat;
    final double[] lon;
    final double[] value;
    final long[] tsMicros;
    final String[] ts;

    EventChunk(int capacity) {
        this.capacity = capacity;
        line = new long[capacity];
        id = new long[capacity];
        key = new String[capacity];
        lat = new double[capacity];
        lon = new double[capacity];
        value = new double[capacity];
        tsMicros = new long[capacity];
        ts = new String[capacity];
    }

    boolean isFull() {
        return size == capacity;
    }
}
