package meridian.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The answer body as a stream into pooled buffers of the connection's allocator. An answer that fits one
 * buffer ({@value #CHUNK} bytes) goes out as one response with a {@code Content-Length}; a larger one as
 * HTTP chunks of that size, and a writer off the event loop waits while the socket is behind, so a slow
 * reader holds at most a few chunks of memory. Not thread-safe; {@link #close} ends the answer,
 * {@link #abort} drops it and closes the connection.
 */
final class ChannelOutput extends OutputStream {
    static final int CHUNK = 256 * 1024;
    private static final int FIRST = 64 * 1024;

    private final Exchange ex;
    private ByteBuf buf;
    private boolean headSent;
    private boolean done;

    ChannelOutput(Exchange ex) {
        this.ex = ex;
    }

    private ByteBuf buf() {
        if (buf == null) {
            buf = ex.conn.alloc().buffer(headSent ? CHUNK : FIRST, CHUNK);
        }
        return buf;
    }

    @Override
    public void write(int b) throws IOException {
        buf().writeByte(b);
        if (buf.readableBytes() >= CHUNK) {
            emit();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            ByteBuf to = buf();
            int n = Math.min(len, CHUNK - to.readableBytes());
            to.writeBytes(b, off, n);
            off += n;
            len -= n;
            if (to.readableBytes() >= CHUNK) {
                emit();
            }
        }
    }

    private void emit() throws IOException {
        ByteBuf out = buf;
        buf = null;
        if (!headSent) {
            headSent = true;
            HttpHeaders h = ex.responseHeaders();
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            ex.conn.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(ex.status()), h));
        }
        ex.conn.write(new DefaultHttpContent(out));
        ex.conn.awaitWritable();
    }

    @Override
    public void close() throws IOException {
        if (done) {
            return;
        }
        done = true;
        ByteBuf last = buf == null ? Unpooled.EMPTY_BUFFER : buf;
        buf = null;
        if (!headSent) {
            ex.send(last);
        } else {
            ex.conn.finish(ex, new DefaultLastHttpContent(last));
        }
    }

    /** Drops what is buffered; the connection is closed since the answer cannot be completed. */
    void abort() {
        if (done) {
            return;
        }
        done = true;
        if (buf != null) {
            buf.release();
            buf = null;
        }
        ex.conn.closeNow();
    }

    boolean headSent() {
        return headSent;
    }
}
