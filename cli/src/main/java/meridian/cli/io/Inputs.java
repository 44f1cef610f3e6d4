package meridian.cli.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Opening an input: gzip is recognised by its magic bytes, whatever the file is called. */
public final class Inputs {
    private Inputs() {}

    /** True when the stream (which must support mark/reset) starts with the gzip magic bytes. */
    public static boolean isGzip(InputStream in) throws IOException {
        in.mark(2);
        int m1 = in.read();
        int m2 = in.read();
        in.reset();
        return m1 == 0x1f && m2 == 0x8b;
    }

    /** The decompressed stream when {@code raw} is gzip, else {@code raw}; the result supports mark/reset. */
    public static InputStream decompressed(InputStream raw) throws IOException {
        InputStream b = raw.markSupported() ? raw : new BufferedInputStream(raw, 1 << 16);
        if (isGzip(b)) {
            return new BufferedInputStream(new GZIPInputStream(b, 1 << 16), 1 << 16);
        }
        return b;
    }
}
