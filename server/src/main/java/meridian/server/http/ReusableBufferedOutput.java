package meridian.server.http;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A buffered stream over a caller-owned buffer (the request workspace's), so that writing a large answer
 * allocates no buffer per request. Each flush is one large write to the response, i.e. one HTTP chunk.
 * Not thread-safe; closes the target when closed.
 */
final class ReusableBufferedOutput extends OutputStream {
    private final OutputStream target;
    private final byte[] buf;
    private int n;

    ReusableBufferedOutput(OutputStream target, byte[] buf) {
        this.target = target;
        this.buf = buf;
    }

    @Override
    public void write(int b) throws IOException {
        if (n == buf.length) {
            drain();
        }
        buf[n++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len >= buf.length) {
            drain();
            target.write(b, off, len);
            return;
        }
        if (len > buf.length - n) {
            drain();
        }
        System.arraycopy(b, off, buf, n, len);
        n += len;
    }

    private void drain() throws IOException {
        if (n > 0) {
            target.write(buf, 0, n);
            n = 0;
        }
    }

    @Override
    public void flush() throws IOException {
        drain();
        target.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            drain();
        } finally {
            target.close();
        }
    }
}
