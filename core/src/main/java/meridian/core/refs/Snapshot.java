package meridian.core.refs;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import meridian.core.index.NearestIndex;
import meridian.core.io.SnapshotInput;

/**
 * A reference set in a binary, columnar form that loads several times faster than its CSV: coordinates as
 * raw doubles, each text column as one UTF-8 block with offsets. It is made from the bundled CSV when the
 * project is built ({@link #main}), so that the service starts without parsing 200,000 CSV rows; the CSV
 * stays the source of truth and the fallback.
 *
 * <p>Layout (big-endian): magic {@code MRDNSET3}; set name; n; attribute count and names; lat[n]; lon[n];
 * then the id, name and attribute columns, each as n + 1 offsets (an offset of -1 marks a null value) and
 * the bytes; then the index's tree ({@link NearestIndex.Tree}): the root reference, the tree order[n], the
 * node count and the nodes' ints, so that loading does not build it again (~0.1 s of CPU for the cities,
 * and the compiling of the build's loops, on the way to the service's first answer). {@code MRDNSET1},
 * without the tree, and {@code MRDNSET2}, whose nodes held leaf ends where they now hold the split, are
 * still read (the index is then built).
 */
public final class Snapshot {
    private static final byte[] MAGIC = "MRDNSET3".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAGIC_V1 = "MRDNSET1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAGIC_V2 = "MRDNSET2".getBytes(StandardCharsets.US_ASCII);

    private Snapshot() {}

    /** Build step: {@code Snapshot CSV_OR_CSV_GZ OUTPUT NAME} writes the snapshot of a reference CSV. */
    public static void main(String[] args) throws IOException {
        ReferenceSet set = ReferenceSetReader.load(Path.of(args[0]), args[2], ErrorPolicy.FAIL_FAST)
                .set();
        Files.createDirectories(Path.of(args[1]).toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(Path.of(args[1]))) {
            write(set, out);
        }
    }

    public static void write(ReferenceSet set, OutputStream target) throws IOException {
        var bytes = new ByteArrayOutputStream(1 << 20);
        var out = new DataOutputStream(bytes);
        int n = set.size();
        out.write(MAGIC);
        utf(out, set.name());
        out.writeInt(n);
        out.writeInt(set.attributeNames().size());
        for (String a : set.attributeNames()) {
            utf(out, a);
        }
        for (int i = 0; i < n; i++) {
            out.writeDouble(set.lat(i));
        }
        for (int i = 0; i < n; i++) {
            out.writeDouble(set.lon(i));
        }
        String[] column = new String[n];
        for (int i = 0; i < n; i++) {
            column[i] = set.id(i);
        }
        writeText(out, column);
        for (int i = 0; i < n; i++) {
            column[i] = set.placeName(i);
        }
        writeText(out, column);
        for (int a = 0; a < set.attributeNames().size(); a++) {
            for (int i = 0; i < n; i++) {
                column[i] = set.attribute(i, a);
            }
            writeText(out, column);
        }
        NearestIndex.Tree tree = set.index().tree();
        out.writeInt(tree.rootRef());
        for (int i : tree.order()) {
            out.writeInt(i);
        }
        out.writeInt(tree.nodes().length);
        for (int v : tree.nodes()) {
            out.writeInt(v);
        }
        out.flush();
        bytes.writeTo(target);
    }

    private static void utf(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeShort(b.length);
        out.write(b);
    }

    private static void writeText(DataOutputStream out, String[] values) throws IOException {
        var block = new ByteArrayOutputStream();
        int[] offsets = new int[values.length + 1];
        for (int i = 0; i < values.length; i++) {
            offsets[i] = values[i] == null ? -1 : block.size();
            if (values[i] != null) {
                block.write(values[i].getBytes(StandardCharsets.UTF_8));
            }
        }
        offsets[values.length] = block.size();
        for (int o : offsets) {
            out.writeInt(o);
        }
        block.writeTo(out);
    }

    /**
     * Reads a snapshot from {@code source}, straight into the set's arrays: no copy of the whole snapshot
     * is held (a 12.9 MB array for the cities, gathered from 16 KB pieces by {@code readAllBytes}, all of
     * it garbage for the young collections to copy), and the text stays UTF-8 ({@link TextColumn}).
     */
    public static ReferenceSet read(InputStream source) throws IOException {
        var in = new SnapshotInput(source);
        byte[] magic = in.bytes(MAGIC.length);
        boolean withTree = java.util.Arrays.equals(magic, MAGIC);
        if (!withTree && !java.util.Arrays.equals(magic, MAGIC_V1) && !java.util.Arrays.equals(magic, MAGIC_V2)) {
            throw new IOException("not a reference-set snapshot");
        }
        String name = in.utf();
        int n = in.readInt();
        int attrCount = in.readInt();
        List<String> attrNames = new ArrayList<>(attrCount);
        for (int a = 0; a < attrCount; a++) {
            attrNames.add(in.utf());
        }
        double[] lat = in.doubles(n);
        double[] lon = in.doubles(n);
        TextColumn ids = readText(in, n);
        TextColumn names = readText(in, n);
        TextColumn[] attrs = new TextColumn[attrCount];
        for (int a = 0; a < attrCount; a++) {
            attrs[a] = readText(in, n);
        }
        NearestIndex index = withTree ? readTree(in, n, lat, lon) : NearestIndex.build(lat, lon);
        return new ReferenceSet(name, ids, names, lat, lon, attrNames, attrs, index);
    }

    /** The stored search tree over {@code n} points: its root, the points' order and the nodes. */
    private static NearestIndex readTree(SnapshotInput in, int n, double[] lat, double[] lon) throws IOException {
        int rootRef = in.readInt();
        int[] order = in.ints(n);
        int[] nodes = in.ints(in.readInt());
        return NearestIndex.restore(lat, lon, new NearestIndex.Tree(order, nodes, rootRef));
    }

    private static TextColumn readText(SnapshotInput in, int n) throws IOException {
        int[] offsets = in.ints(n + 1);
        return TextColumn.fromOffsets(in.bytes(offsets[n]), offsets);
    }
}
