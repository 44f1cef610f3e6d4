package meridian.server.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import meridian.core.error.InvalidInputException;
import meridian.server.exec.EnrichService;

/**
 * A request body that refuses to grow past a limit (413, counted while streaming, so chunked bodies are
 * never read whole) and to keep reading past the request's deadline (504).
 */
final class BodyStream extends FilterInputStream {
    private final long limit;
    private final long deadlineNanos;
    private long count;

    BodyStream(InputStream in, long limit, long deadlineNanos) {
        super(in);
        this.limit = limit;
        this.deadlineNanos = deadlineNanos;
    }

    static InvalidInputException tooLarge(long limit, long length) {
        return new InvalidInputException(
                "body_too_large",
                "the request body " + (length < 0 ? "exceeds" : "of " + length + " bytes exceeds") + " the limit of "
                        + limit + " bytes",
                length < 0 ? Map.of("limit", limit) : Map.of("limit", limit, "length", length));
    }

    @Override
    public int read() throws IOException {
        check(1);
        int b = super.read();
        if (b >= 0) {
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        check(len);
        int n = super.read(b, off, (int) Math.min(len, limit - count + 1));
        if (n > 0) {
            count += n;
            if (count > limit) {
                throw tooLarge(limit, -1);
            }
        }
        return n;
    }

    private void check(int len) {
        if (count > limit) {
            throw tooLarge(limit, -1);
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            throw EnrichService.deadline();
        }
    }

    long count() {
        return count;
    }
}
