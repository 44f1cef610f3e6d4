package meridian.core.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Values of a binary snapshot (the bundled cities, the bundled countries) read from a stream
 * through one 64 KB buffer, straight into the arrays they fill: no copy of the whole snapshot is held (a
 * 17.6 MB array for the countries, gathered from 16 KB pieces by {@code readAllBytes}, all of it garbage
 * for the young collections to copy). Single values are big-endian ({@code DataOutputStream}'s order); arrays
 * are in the order the snapshot's writer chose.
 */
public final class SnapshotInput {
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private final ByteBuffer view = ByteBuffer.wrap(buffer);
    private final ByteOrder arrays;

    /** Arrays big-endian. */
    public SnapshotInput(InputStream in) {
        this(in, ByteOrder.BIG_ENDIAN);
    }

    public SnapshotInput(InputStream in, ByteOrder arrays) {
        this.in = in;
        this.arrays = arrays;
    }

    public byte[] bytes(int count) throws IOException {
        byte[] b = new byte[checked(count)];
        fill(b, count);
        return b;
    }

    /** A count read from the snapshot, refused when negative (a corrupt file) before an array is made. */
    private static int checked(int count) throws IOException {
        if (count < 0) {
            throw new IOException("corrupt snapshot: a count of " + count);
        }
        return count;
    }

    private void fill(byte[] b, int count) throws IOException {
        if (in.readNBytes(b, 0, count) != count) {
            throw new EOFException("snapshot ends early");
        }
    }

    public int readInt() throws IOException {
        fill(buffer, 4);
        return view.order(ByteOrder.BIG_ENDIAN).getInt(0);
    }

    public int readUnsignedShort() throws IOException {
        fill(buffer, 2);
        return view.order(ByteOrder.BIG_ENDIAN).getShort(0) & 0xffff;
    }

    /** A string written as its UTF-8 length (two bytes) and bytes. */
    public String utf() throws IOException {
        return new String(bytes(readUnsignedShort()), StandardCharsets.UTF_8);
    }

    public double[] doubles(int count) throws IOException {
        double[] out = new double[checked(count)];
        for (int at = 0; at < count; ) {
            int k = Math.min(count - at, buffer.length / Double.BYTES);
            fill(buffer, k * Double.BYTES);
            view.clear().order(arrays).asDoubleBuffer().get(out, at, k);
            at += k;
        }
        return out;
    }

    public int[] ints(int count) throws IOException {
        int[] out = new int[checked(count)];
        for (int at = 0; at < count; ) {
            int k = Math.min(count - at, buffer.length / Integer.BYTES);
            fill(buffer, k * Integer.BYTES);
            view.clear().order(arrays).asIntBuffer().get(out, at, k);
            at += k;
        }
        return out;
    }
}
