package meridian.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole-answer way of {@link ResponseEncoder} against Netty's own encoder: the same bytes on the wire. */
class ResponseEncoderTest {
    @Test
    void wholeAnswersAreTheBytesNettyWrites() {
        for (int status : List.of(200, 400, 404, 405, 408, 413, 429, 500, 503, 599)) {
            for (String body :
                    List.of("", "Meridian: hello\n", "{\"error\":\"x\",\"message\":\"é\"}", "x".repeat(70_000))) {
                assertThat(encode(new ResponseEncoder(), status, body))
                        .as("status %d, %d bytes", status, body.length())
                        .isEqualTo(encode(new HttpResponseEncoder(), status, body));
            }
        }
    }

    @Test
    void aWholeAnswerWithoutContentLengthGetsItFromItsBody() {
        var ch = new EmbeddedChannel(new ResponseEncoder());
        FullHttpResponse res = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.OK,
                Unpooled.copiedBuffer("x".repeat(1234), StandardCharsets.UTF_8));
        res.headers().set("content-type", "text/plain");
        ch.writeOutbound(res);
        ByteBuf b = ch.readOutbound();
        String text = b.toString(StandardCharsets.ISO_8859_1);
        b.release();
        ch.finishAndReleaseAll();
        assertThat(text)
                .isEqualTo("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 1234\r\n\r\n"
                        + "x".repeat(1234));
    }

    @Test
    void theAnswerToHeadKeepsItsHeadersWithoutTheBody() {
        var encoder = new ResponseEncoder();
        encoder.answering(true);
        String head = encode(encoder, 405, "{\"error\":\"method_not_allowed\"}");
        assertThat(head)
                .startsWith("HTTP/1.1 405 Method Not Allowed\r\n")
                .contains("content-length: 30\r\n")
                .endsWith("\r\n\r\n");
    }

    private static String encode(HttpResponseEncoder encoder, int status, String body) {
        var ch = new EmbeddedChannel(encoder);
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status),
                content,
                new DefaultHttpHeaders(false),
                new DefaultHttpHeaders(false));
        res.headers().set("content-type", "application/json").set("x-content-type-options", "nosniff");
        if (status == 503) {
            res.headers().set("retry-after", 2).set("connection", "close");
        }
        HttpUtil.setContentLength(res, content.readableBytes());
        ch.writeOutbound(res);
        var out = new StringBuilder();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        ch.finishAndReleaseAll();
        return out.toString();
    }
}
