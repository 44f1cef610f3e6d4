package meridian.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import meridian.core.error.MeridianException;
import meridian.server.metrics.Metrics;

/**
 * One HTTP connection, on its event loop: reads a request's head and whole body under the transport
 * timeouts, then hands the complete {@link Exchange} to {@link HttpApi}; writes the answer back.
 *
 * <p>Phases and their clocks: {@code IDLE} (between requests; closed after the idle timeout), {@code HEAD}
 * (from the first byte of a request to the end of its headers; header timeout), {@code BODY} (from the end
 * of the headers to the last byte of the body, enforced on the whole body, not between reads; body timeout)
 * and {@code BUSY} (the request is being handled; its deadline is the handler's business). A client too
 * slow in HEAD or BODY gets 408 {@code request_timeout} and the connection is closed. One timer per
 * connection, re-armed lazily, so a fast keep-alive client costs no timer work per request.
 *
 * <p>Nothing here takes an admission slot: the request reaches the handler only with its whole body.
 * Requests pipelined behind a busy one wait (reading is paused) and are answered in order.
 */
final class Connection extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(Connection.class.getName());

    private static final int IDLE = 0;
    private static final int HEAD = 1;
    private static final int BODY = 2;
    private static final int BUSY = 3;
    private static final int CLOSED = 4;

    private final HttpApi api;
    private final long headerTimeoutNanos;
    private final long bodyTimeoutNanos;
    private final long idleTimeoutNanos;
    private final long maxBody;
    private final BodyBudget.Lanes lanes;
    private final ResponseEncoder encoder;
    private BodyBudget budget; // the lane of the body being read
    private final ChannelFutureListener afterAnswer = f -> answered();
    private final Object writable = new Object();

    private ChannelHandlerContext ctx;
    private Channel ch;
    private int phase = IDLE;
    private long phaseDeadline;
    private boolean headStarting; // phase HEAD entered by the read being handled, its deadline not yet set
    private ScheduledFuture<?> timer;
    private long timerAt;

    // the request being read
    private HttpRequest head;
    private HttpApi.Target target;
    private ByteBuf body; // a body that came in one read, kept as it came
    private PooledPieces pieces; // a body that comes in several reads, copied
    private long startNanos;
    private boolean keepAlive;
    private boolean takesEncoded; // keep-alive HTTP/1.1, not HEAD: an answer encoded once goes out as it is
    private boolean discarding; // answered early (413, refusal, bad framing): drop the rest, then close
    private Exchange current;
    private long taken; // body bytes counted against the budget for the request being read (reserved or arrived)
    private long arrived; // body bytes of the request being read so far
    private boolean parked; // waiting for the budget before reading a body

    private ArrayDeque<Object> pending;

    Connection(
            HttpApi api,
            long headerTimeoutMs,
            long bodyTimeoutMs,
            long idleTimeoutMs,
            long maxBody,
            BodyBudget.Lanes lanes,
            ResponseEncoder encoder) {
        this.api = api;
        this.encoder = encoder;
        this.lanes = lanes;
        this.budget = lanes.large();
        this.headerTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(headerTimeoutMs);
        this.bodyTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(bodyTimeoutMs);
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs);
        this.maxBody = maxBody;
    }

    /**
     * Netty's request decoder, which sees the raw bytes before it decodes them, so that the header clock starts
     * at the first one. Being the decoder rather than a handler before it saves a pipeline hop per read.
     */
    final class Decoder extends HttpRequestDecoder {
        Decoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        public void channelRead(ChannelHandlerContext c, Object msg) throws Exception {
            if (!c.channel().config().isAutoRead()) {
                // Reading is off (a body parked behind the budget, a request in progress) and bytes came all
                // the same: the transport reads regardless only once the peer has closed its side, to find
                // the end of the stream, and a closed side means no answer can be sent (half-closure is not
                // allowed). So the connection closes now instead of passing those bytes through the decoder
                // into a body nobody will answer: 64 clients leaving with their 10k-record bodies unread
                // kept the event loop copying megabytes for half a second and held up every other client.
                ReferenceCountUtil.release(msg);
                closeNow();
                return;
            }
            if (phase == IDLE) {
                phase = HEAD;
                headStarting = true; // its deadline set by arm() only if the head is still incomplete after this read
            }
            super.channelRead(c, msg); // the decoded parts go on to this connection's channelRead
            arm(); // only when the head or body is still incomplete after this read does a timer move
        }
    }

    ByteBufAllocator alloc() {
        return ch.alloc();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext c) {
        this.ctx = c;
        this.ch = c.channel();
    }

    @Override
    public void channelActive(ChannelHandlerContext c) {
        enter(IDLE, idleTimeoutNanos);
        arm();
        c.fireChannelActive();
    }

    // --- the clock ---

    private void enter(int p, long timeoutNanos) {
        enter(p, timeoutNanos, System.nanoTime());
    }

    private void enter(int p, long timeoutNanos, long now) {
        phase = p;
        phaseDeadline = now + timeoutNanos;
        headStarting = false;
    }

    /** Makes sure the timer fires no later than the current phase's deadline. */
    private void arm() {
        if (phase > BODY) {
            return;
        }
        if (headStarting) {
            // a head began in the read just handled and is not complete: its clock runs from now, a read's
            // handling later than its first byte (a request read whole in one read reads no clock here)
            enter(HEAD, headerTimeoutNanos);
        }
        if (timer != null) {
            if (timerAt - phaseDeadline <= 0) {
                return; // fires first, and re-arms itself for the rest
            }
            timer.cancel(false);
        }
        schedule(phaseDeadline);
    }

    private void schedule(long at) {
        timerAt = at;
        timer = ctx.executor().schedule(this::onTimer, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void onTimer() {
        timer = null;
        if (phase > BODY) {
            return; // re-armed when the connection is idle again
        }
        if (phaseDeadline - System.nanoTime() > 0) {
            schedule(phaseDeadline);
            return;
        }
        switch (phase) {
            case IDLE -> closeNow();
            case HEAD, BODY -> timedOut();
            default -> {}
        }
    }

    private void timedOut() {
        HttpApi.Target t = target;
        boolean inBody = phase == BODY;
        phase = CLOSED;
        api.timedOut(t, inBody);
        byte[] json = HttpApi.errorBody(
                "request_timeout",
                inBody
                        ? "the request body did not arrive in full within " + (bodyTimeoutNanos / 1_000_000) + " ms"
                        : "the request headers did not arrive within " + (headerTimeoutNanos / 1_000_000) + " ms",
                Map.of());
        early(408, json);
    }

    // --- reading ---

    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
        if (phase == CLOSED) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (phase == BUSY || (pending != null && !pending.isEmpty())) {
            if (pending == null) {
                pending = new ArrayDeque<>();
            }
            pending.add(msg);
            ch.config().setAutoRead(false);
            return;
        }
        read(msg);
    }

    private void read(Object msg) {
        if (msg instanceof HttpRequest req) {
            onHead(req);
        }
        if (msg instanceof HttpContent content) {
            try {
                onContent(content);
            } finally {
                content.release();
            }
        } else if (!(msg instanceof HttpRequest)) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpRequest req) {
        long now = System.nanoTime();
        startNanos = now;
        discarding = false;
        boolean isHead = HttpMethod.HEAD.equals(req.method());
        encoder.answering(isHead);
        if (((HttpObject) req).decoderResult().isFailure()) {
            malformed(req.decoderResult().cause());
            return;
        }
        if (req.protocolVersion().majorVersion() != 1) {
            malformed(new IllegalArgumentException("unsupported protocol version " + req.protocolVersion()));
            return;
        }
        enter(BODY, bodyTimeoutNanos, now);
        head = req;
        keepAlive = HttpUtil.isKeepAlive(req);
        takesEncoded = keepAlive && !isHead && HttpVersion.HTTP_1_1.equals(req.protocolVersion());
        target = api.route(req);
        try {
            api.admitHead(req, target);
            long length = HttpUtil.getContentLength(req, -1L);
            if (length > maxBody) {
                throw HttpApi.tooLarge(maxBody, length);
            }
            budget = lanes.forLength(length);
            if (length > 0) {
                if (budget.reserve(this::resumeBody, length)) {
                    taken = length;
                } else {
                    parked = true; // resumed with the reservation taken for it
                    ch.config().setAutoRead(false);
                }
            } else if (HttpUtil.isTransferEncodingChunked(req) && budget.spent()) {
                parked = true;
                ch.config().setAutoRead(false);
                budget.park(this::resumeBody);
            }
            if (HttpUtil.is100ContinueExpected(req)) {
                ch.writeAndFlush(new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
            }
        } catch (MeridianException e) {
            refuse(e);
        } catch (NumberFormatException e) {
            malformed(e);
        }
    }

    private void onContent(HttpContent content) {
        if (discarding || phase != BODY) {
            return;
        }
        if (content.decoderResult().isFailure()) {
            malformed(content.decoderResult().cause());
            return;
        }
        ByteBuf in = content.content();
        int n = in.readableBytes();
        if (n > 0) {
            if (arrived + n > maxBody) {
                refuse(HttpApi.tooLarge(maxBody, -1));
                return;
            }
            if ((arrived >>> 20) != ((arrived + n) >>> 20) && !isOpen()) {
                closeNow(); // at each MiB of a large body: its client has gone (see isOpen)
                return;
            }
            arrived += n;
            if (arrived > taken) { // beyond the reservation: a chunked body, counted as it comes
                budget.take(arrived - taken);
                taken = arrived;
            }
            if (pieces == null && content instanceof LastHttpContent) {
                body = in.retain(); // the whole body came in one piece: no copy
            } else {
                if (pieces == null) {
                    pieces = new PooledPieces(ch.alloc());
                }
                pieces.append(in);
            }
        }
        if (content instanceof LastHttpContent) {
            ByteBuf b = pieces != null ? pieces.take() : body != null ? body : Unpooled.EMPTY_BUFFER;
            pieces = null;
            body = null;
            phase = BUSY;
            Exchange ex = api.exchange(this, head, target, b, startNanos);
            ex.budgeted(budget, taken);
            taken = 0;
            arrived = 0;
            current = ex;
            api.dispatch(ex);
        }
    }

    /** Bad framing, request line or headers: 400 JSON, and the connection closes (its framing is lost). */
    private void malformed(Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, "malformed request: " + cause);
        api.malformed(startNanos);
        early(
                400,
                HttpApi.errorBody(
                        "malformed_request",
                        "the request is not valid HTTP/1.1: "
                                + (cause == null ? "bad framing" : String.valueOf(cause.getMessage())),
                        Map.of()));
    }

    /** A refusal decided before the body was read: answered at once, and the unread body is dropped. */
    private void refuse(MeridianException e) {
        api.refused(target, e, startNanos);
        FullHttpResponse res = api.errorResponse(e);
        discard();
        phase = CLOSED;
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        HttpUtil.setContentLength(res, res.content().readableBytes());
        answerAndClose(res);
    }

    private void early(int status, byte[] json) {
        discard();
        phase = CLOSED;
        FullHttpResponse res = HttpApi.jsonResponse(status, json);
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        answerAndClose(res);
    }

    /** How long a refused client's remaining bytes are read and dropped after its answer, at most. */
    static final long LINGER_MS = 500;

    /**
     * Sends a refusal made before the request was read in full, then closes without losing it: the client may
     * still be sending its body, and closing a socket with unread bytes resets it, which can discard the
     * answer on the client's side before it is read. So the answer is followed by a FIN, and what the client
     * still sends is read and dropped (the connection is closed to requests) until it closes or for
     * {@link #LINGER_MS} at most.
     */
    private void answerAndClose(FullHttpResponse res) {
        ch.writeAndFlush(res).addListener(sent -> {
            if (!sent.isSuccess() || !(ch instanceof DuplexChannel duplex) || !ch.isActive()) {
                ch.close();
                return;
            }
            ch.config().setAutoRead(true); // drained even when refused while parked (a 408 behind the budget)
            duplex.shutdownOutput()
                    .addListener(f -> ch.eventLoop().schedule(this::closeNow, LINGER_MS, TimeUnit.MILLISECONDS));
        });
    }

    private void discard() {
        discarding = true;
        dropBody();
    }

    /** Gives the body being read back: its buffer and its share of the budget. */
    private void dropBody() {
        if (body != null) {
            body.release();
            body = null;
        }
        if (pieces != null) {
            pieces.release();
            pieces = null;
        }
        budget.give(taken);
        taken = 0;
        arrived = 0;
    }

    /**
     * From any thread: the budget has room again and {@code reserved} bytes of it were taken for this
     * connection's body; read the body now (its clock starts afresh).
     */
    void resumeBody(long reserved) {
        ch.eventLoop().execute(() -> {
            if (!parked) {
                budget.give(reserved); // closed meanwhile
                return;
            }
            parked = false;
            taken += reserved;
            if (!isOpen()) {
                closeNow(); // its client left while it waited: its body is not worth reading
                return;
            }
            if (phase == BODY) {
                enter(BODY, bodyTimeoutNanos);
            }
            if (phase <= BODY) {
                ch.config().setAutoRead(true);
            }
        });
    }

    // --- writing (any thread) ---

    void write(Object msg) {
        ch.writeAndFlush(msg);
    }

    /** Sends the last part of an answer; the connection then reads the next request or closes. */
    void finish(Exchange ex, HttpObject last) {
        boolean close = !keepAlive;
        if (last instanceof FullHttpResponse res) {
            if (!ResponseEncoder.wholeAnswer(res)) {
                HttpUtil.setContentLength(res, res.content().readableBytes()); // else the encoder writes it
            }
            if (res.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)) {
                close = true;
            } else if (close) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
        }
        if (close) {
            ch.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
        } else {
            whenWritten(ch.writeAndFlush(last));
        }
    }

    /**
     * Back to reading once {@code written} is done: at once when it already is and this is the event loop (an
     * answer written there into a socket with room, the usual case), else from its listener, which Netty runs on
     * the event loop. Netty's listener call on a done future goes through its stack-depth guard (a thread-local
     * lookup and a clock read): with it, 1.2% of the service's CPU on {@code GET /} at -c 64 (async-profiler).
     */
    private void whenWritten(ChannelFuture written) {
        if (written.isDone() && ch.eventLoop().inEventLoop()) {
            answered();
        } else {
            written.addListener(afterAnswer);
        }
    }

    /** Whether the request being answered takes an answer encoded once ({@link Exchange#send(EncodedAnswer)}). */
    boolean takesEncoded() {
        return takesEncoded;
    }

    /** Sends an answer encoded once, whole; the connection then reads the next request. */
    void finish(EncodedAnswer answer) {
        whenWritten(ch.writeAndFlush(new ResponseEncoder.Encoded(answer.bytes())));
    }

    /** On the event loop once an answer is written: back to reading requests. */
    private void answered() {
        if (phase != BUSY) {
            return;
        }
        Exchange ex = current;
        current = null;
        if (ex != null) {
            ex.release();
        }
        head = null;
        target = null;
        enter(IDLE, idleTimeoutNanos);
        while (pending != null && !pending.isEmpty() && phase <= BODY) {
            read(pending.poll());
        }
        if (pending != null && pending.isEmpty() && phase <= BODY) {
            ch.config().setAutoRead(true);
        }
        arm();
    }

    /** Off the event loop: waits while the socket is behind (bounded by the body timeout). */
    void awaitWritable() throws IOException {
        if (ch.eventLoop().inEventLoop()) {
            return;
        }
        long end = System.nanoTime() + bodyTimeoutNanos;
        synchronized (writable) {
            while (!ch.isWritable()) {
                if (!ch.isActive()) {
                    throw new ClosedChannelException();
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    closeNow();
                    throw new IOException(
                            "the client did not read the answer for " + (bodyTimeoutNanos / 1_000_000) + " ms");
                }
                try {
                    writable.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while writing the answer", e);
                }
            }
        }
        if (!ch.isActive()) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext c) {
        synchronized (writable) {
            writable.notifyAll();
        }
        c.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
        int was = phase;
        phase = CLOSED;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        dropBody();
        parked = false;
        if (pending != null) {
            pending.forEach(ReferenceCountUtil::release);
            pending.clear();
        }
        synchronized (writable) {
            writable.notifyAll();
        }
        Exchange ex = current;
        if (was == BUSY && ex != null) {
            Thread w = ex.worker;
            if (w != null && ex.route == Metrics.Route.ENRICH) {
                w.interrupt(); // enrichment of an answer nobody will read: cancel its chunks
            }
        }
        c.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        // resets and broken pipes: the client is gone; one line, no stack trace
        LOG.log(System.Logger.Level.DEBUG, "connection error: " + cause);
        closeNow();
    }

    void closeNow() {
        ch.close();
    }

    boolean inEventLoop() {
        return ch.eventLoop().inEventLoop();
    }

    /**
     * The client can still be answered: the channel is open and, on the epoll transport, the peer has not
     * closed its side. A client that sends a large body and leaves at once (a load generator at the end of
     * its run, a caller's timeout) has its FIN queued right behind the body; the transport sees it only after
     * the body is read, but the socket's TCP state is {@code CLOSE_WAIT} as soon as it arrives, and asking
     * costs one system call. After 64 clients left with 10k-record bodies in flight, their bodies were still
     * read and scanned for half a second (about 6 ms of CPU each), holding up every other client.
     */
    boolean isOpen() {
        if (!ch.isActive()) {
            return false;
        }
        if (ch instanceof EpollSocketChannel epoll) {
            try {
                return epoll.tcpInfo().state() == TCP_ESTABLISHED;
            } catch (RuntimeException e) { // closed meanwhile
                return false;
            }
        }
        return true;
    }

    /** Linux's {@code TCP_ESTABLISHED} in {@code tcp_info.tcpi_state}. */
    private static final int TCP_ESTABLISHED = 1;
}
