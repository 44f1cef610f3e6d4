package meridian.cli.aggregate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import meridian.cli.io.Block;

/**
 * A block of whole NDJSON lines of events, read on a worker: each line's members as {@link FlatEvent} takes them,
 * or else its tree, or why it is not JSON ({@link EventReader.Ndjson#tree}). The reading thread then puts the lines into chunks
 * in file order ({@link EventReader.Ndjson#putRead}), where each event is checked: which lines are bad, and which
 * event decides whether the file has coordinates, stay those of a reading line by line. A line ends at
 * {@code \n}, a {@code \r} before it dropped (a lone {@code \r} is JSON's blank, as in {@code process}'s NDJSON).
 */
final class NdjsonBlock extends Block {
    static final byte BLANK = 0;
    static final byte FLAT = 1;
    static final byte TREE = 2;

    private final String source;
    private final FlatEvent flat; // null: every line goes to the tree parser
    private int count;
    private byte[] kinds = new byte[0];
    private long[] lines = new long[0];
    private Object[] members = new Object[0]; // six a line: id, key, lat, lon, value, ts; or the tree first

    NdjsonBlock(String source, String keyColumn) {
        this.source = source;
        this.flat = keyColumn.equals("point") ? null : new FlatEvent(keyColumn);
    }

    @Override
    protected void process() {
        Arrays.fill(members, 0, 6 * count, null);
        count = 0;
        long line = firstLine;
        int from = 0;
        while (from < len) {
            int end = from;
            while (end < len && buf[end] != '\n') {
                end++;
            }
            int to = end > from && buf[end - 1] == '\r' ? end - 1 : end;
            read(new String(buf, from, to - from, StandardCharsets.UTF_8), line);
            line++;
            from = end + 1;
        }
    }

    private void read(String text, long line) {
        if (count == kinds.length) {
            int n = Math.max(256, count * 2);
            kinds = Arrays.copyOf(kinds, n);
            lines = Arrays.copyOf(lines, n);
            members = Arrays.copyOf(members, 6 * n);
        }
        int at = 6 * count;
        lines[count] = line;
        if (text.isBlank()) {
            kinds[count++] = BLANK;
        } else if (flat != null && flat.read(text)) {
            kinds[count++] = FLAT;
            members[at] = flat.id;
            members[at + 1] = flat.key;
            members[at + 2] = flat.point ? flat.pointLat : flat.lat;
            members[at + 3] = flat.point ? flat.pointLon : flat.lon;
            members[at + 4] = flat.value;
            members[at + 5] = flat.ts;
        } else {
            kinds[count++] = TREE;
            members[at] = EventReader.Ndjson.tree(text, source);
        }
    }

    int count() {
        return count;
    }

    long line(int i) {
        return lines[i];
    }

    byte kind(int i) {
        return kinds[i];
    }

    Object tree(int i) {
        return members[6 * i];
    }

    Object id(int i) {
        return members[6 * i];
    }

    Object key(int i) {
        return members[6 * i + 1];
    }

    Object lat(int i) {
        return members[6 * i + 2];
    }

    Object lon(int i) {
        return members[6 * i + 3];
    }

    Object value(int i) {
        return members[6 * i + 4];
    }

    Object ts(int i) {
        return members[6 * i + 5];
    }
}
