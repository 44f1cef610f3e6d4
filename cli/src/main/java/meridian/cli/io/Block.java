package meridian.cli.io;

import java.util.List;
import meridian.core.refs.RowError;
import meridian.server.json.ByteSink;

/**
 * A block of whole input rows and the work that turns it into output on one thread. {@link RowBlocks}
 * fills it, a worker {@link #process}es it, {@link BlockPipeline} writes its output and reuses it.
 * Owned by one thread at a time; the buffers keep their capacity from block to block.
 */
abstract class Block {
    /** A row longer than this is refused rather than buffered without bound. */
    static final int MAX_ROW_BYTES = 16 << 20;

    byte[] buf = new byte[0];
    int len;
    long firstLine;

    final ByteSink out = new ByteSink(null);

    byte[] buffer(int capacity) {
        if (buf.length < capacity) {
            buf = new byte[capacity];
        }
        return buf;
    }

    byte[] grow(int capacity) {
        buf = java.util.Arrays.copyOf(buf, capacity);
        return buf;
    }

    void setBlock(int length, long line) {
        len = length;
        firstLine = line;
    }

    /** Scans, enriches and formats {@code buf[0, len)} into {@link #out}. */
    abstract void process();

    /** Good rows written to {@link #out} by the last {@link #process}. */
    abstract int goodRows();

    /** The first bad rows of the block, in order (all of them, or at least the first {@link BadRows#REPORTED}). */
    abstract List<RowError> errors();

    /** Bad rows of the block in all, listed in {@link #errors()} or not. */
    abstract long errorCount();
}
