package meridian.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.io.OutputStream;

/**
 * Bytes of unknown length (a body that comes in several reads, a small request's answer) gathered in pooled
 * pieces of {@value #PIECE} bytes, handed on as one composite buffer. One buffer of the whole length was taken
 * before: Netty's adaptive allocator pools buffers only up to 16,896 bytes while the heap is under 512 MB (its
 * low-memory mode, where the launcher's heap sizes are), so each was new direct memory, zeroed, page-faulted
 * above 1 MiB, and copied again as it grew. Holds at most its bytes and one partly filled piece. Not
 * thread-safe; {@link #take} hands the bytes over, {@link #release} drops them.
 */
final class PooledPieces extends OutputStream {
    static final int PIECE = 16 * 1024;

    private final ByteBufAllocator alloc;
    private CompositeByteBuf pieces;
    private ByteBuf piece;

    PooledPieces(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /**
     * {@code bytes} in a pooled buffer: one of their size up to a piece (a pooled size), else pieces, so an
     * answer of any length costs no fresh memory.
     */
    static ByteBuf copyOf(ByteBufAllocator alloc, byte[] bytes) {
        if (bytes.length <= PIECE) {
            return alloc.directBuffer(bytes.length).writeBytes(bytes);
        }
        var pieces = new PooledPieces(alloc);
        pieces.write(bytes, 0, bytes.length);
        return pieces.take();
    }

    /** Copies the readable bytes of {@code in}, which is left read. */
    void append(ByteBuf in) {
        while (in.isReadable()) {
            ByteBuf to = piece();
            to.writeBytes(in, Math.min(in.readableBytes(), to.writableBytes()));
            full(to);
        }
    }

    @Override
    public void write(int b) {
        ByteBuf to = piece();
        to.writeByte(b);
        full(to);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        while (len > 0) {
            ByteBuf to = piece();
            int n = Math.min(len, to.writableBytes());
            to.writeBytes(b, off, n);
            off += n;
            len -= n;
            full(to);
        }
    }

    private ByteBuf piece() {
        if (piece == null) {
            piece = alloc.directBuffer(PIECE, PIECE);
        }
        return piece;
    }

    private void full(ByteBuf to) {
        if (!to.isWritable()) {
            gather(to);
            piece = null;
        }
    }

    private void gather(ByteBuf full) {
        if (pieces == null) {
            pieces = alloc.compositeDirectBuffer(Integer.MAX_VALUE);
        }
        pieces.addComponent(true, full);
    }

    /** The bytes written so far as one buffer, owned by the caller; this is empty again. */
    ByteBuf take() {
        ByteBuf last = piece;
        piece = null;
        if (pieces == null) {
            return last == null ? Unpooled.EMPTY_BUFFER : last;
        }
        if (last != null) {
            pieces.addComponent(true, last);
        }
        ByteBuf all = pieces;
        pieces = null;
        return all;
    }

    /** Drops what was written. */
    void release() {
        if (piece != null) {
            piece.release();
            piece = null;
        }
        if (pieces != null) {
            pieces.release();
            pieces = null;
        }
    }
}
