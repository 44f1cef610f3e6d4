package meridian.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;

/**
 * A whole answer that never changes ({@code GET /}'s text), encoded once into the bytes the usual way writes
 * (status line, headers, {@code content-length}, body: {@link ResponseEncoder#encode}): to a keep-alive HTTP/1.1
 * request that is not {@code HEAD}, those bytes are written as they are, with no answer object, header map,
 * encoding or buffer made per request ({@link Exchange#send(EncodedAnswer)}); any other request gets the same
 * answer the usual way (with {@code connection: close}, or without its body). Measured on {@code GET /} against
 * the same build without it (BENCHMARKS.md).
 */
final class EncodedAnswer {
    private final CharSequence contentType;
    private final ByteBuf body; // read-only, never released: each use reads a duplicate
    private final ByteBuf bytes; // the whole answer, off the heap as the socket writes it

    EncodedAnswer(CharSequence contentType, byte[] body) {
        this.contentType = contentType;
        this.body = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(body).asReadOnly());
        var headers = new DefaultHttpHeaders(false);
        headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        var res = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.OK,
                this.body.duplicate(),
                Exchange.withCommonHeaders(headers),
                new ReadOnlyHttpHeaders(false));
        ByteBuf encoded = ResponseEncoder.encode(UnpooledByteBufAllocator.DEFAULT, res, false);
        try {
            // not made read-only: a read-only wrapper has no memory address, and the socket writes from the address
            this.bytes = Unpooled.unreleasableBuffer(
                    Unpooled.directBuffer(encoded.readableBytes()).writeBytes(encoded));
        } finally {
            encoded.release();
        }
    }

    CharSequence contentType() {
        return contentType;
    }

    /** The body, for the usual way (a duplicate: the caller's to release, which does nothing). */
    ByteBuf body() {
        return body.duplicate();
    }

    /** The whole answer's bytes (a duplicate, as for {@link #body}). */
    ByteBuf bytes() {
        return bytes.duplicate();
    }
}
