package meridian.cli.io;

import meridian.core.text.ByteSink;

/**
 * A block of whole input rows and the work that turns it into output on one thread. {@link RowBlocks}
 * fills it, a worker {@link #process}es it, {@link BlockPipeline} hands it back to the calling thread in
 * input order and reuses it. Owned by one thread at a time; the buffers keep their capacity from block to
 * block.
 */
public abstract class Block {
    /** A row longer than this is refused rather than buffered without bound. */
    static final int MAX_ROW_BYTES = 16 << 20;

    /** The rows: {@code buf[0, len)}, whole rows only; the first starts on physical line {@code firstLine}. */
    protected byte[] buf = new byte[0];

    protected int len;
    protected long firstLine;

    /** The block's output, written by {@link #process} (empty for blocks whose result is not bytes). */
    protected final ByteSink out = new ByteSink(null);

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

    /** Scans {@code buf[0, len)} and does the block's work (into {@link #out}, or into the block's result). */
    protected abstract void process();
}
