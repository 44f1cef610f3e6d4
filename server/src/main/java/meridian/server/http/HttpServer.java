package meridian.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import meridian.server.ServerConfig;

/**
 * The HTTP listener: Netty with the native epoll transport (NIO where epoll is not available), a few
 * event-loop threads (one per core by default) that accept, read, parse HTTP/1.1 and write answers; a
 * {@link Connection} per socket applies the transport limits. Chosen over Helidon on numbers, see
 * docs/ARCHITECTURE.md.
 */
public final class HttpServer {
    private static final System.Logger LOG = System.getLogger(HttpServer.class.getName());

    /** Longest request line and largest header block accepted (400 above). */
    static final int MAX_INITIAL_LINE = 8192;

    static final int MAX_HEADER_BYTES = 16384;

    /**
     * Netty's system properties that the service sets for itself, each only when the user has not set it
     * ({@code -D} in {@code MERIDIAN_JAVA_OPTS} wins), so that the jar run directly, the launcher, the
     * runtime image and the container behave the same. Must run before Netty's first class is initialised
     * ({@code MeridianServer}'s static initialiser calls it).
     *
     * <p>{@code io.netty.jfr.enabled=false}: Netty otherwise registers its allocator's Flight Recorder
     * events when the first buffer is taken, which loads and initialises ~110 JFR classes on the way to the
     * first answer (about a tenth of the start-up CPU, see BENCHMARKS.md) for events nobody records.
     */
    public static void nettyDefaults() {
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
    }

    private final EventLoopGroup group;
    private final Channel server;
    private final ChannelGroup open = new DefaultChannelGroup("meridian-http", GlobalEventExecutor.INSTANCE);
    private final boolean epoll;
    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
    private final BodyBudget.Lanes budget;

    public HttpServer(ServerConfig config, HttpApi api) throws IOException {
        this.epoll = Epoll.isAvailable();
        if (!epoll) {
            LOG.log(System.Logger.Level.DEBUG, "epoll unavailable, using NIO: " + Epoll.unavailabilityCause());
        }
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(
                config.effectiveIoThreads(), new DefaultThreadFactory("meridian-http", true), io);
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        int maxConnections = config.maxConnections();
        // Room for one waiting body of 4 MiB per admission slot (a 10k-record body is 3.1 MB): an admitted
        // request gives its body back once parsed, so these are the bodies next in line, enough to keep every
        // slot fed. A larger body still goes in alone when nothing else is held (see BodyBudget). Was 8 MiB per
        // slot and never less than the largest body (64 MiB): at -c 64 with 10k-record bodies the buffers
        // then held 92 MB, now 32 MB + the answers being written (BENCHMARKS.md, memory). Bodies of up to
        // 64 KiB have a lane of their own of 8 MiB (BodyBudget.Lanes).
        this.budget = new BodyBudget.Lanes(
                new BodyBudget((long) BodyBudget.SLOT_BYTES * config.maxInFlight()),
                new BodyBudget(BodyBudget.SMALL_LANE_BYTES));
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_BYTES)
                .setMaxChunkSize(64 * 1024)
                .setValidateHeaders(true);
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(type)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, alloc)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (open.size() >= maxConnections) {
                            api.connectionRefused();
                            ch.close();
                            return;
                        }
                        open.add(ch);
                        ResponseEncoder encoder = new ResponseEncoder();
                        Connection conn = new Connection(
                                api,
                                config.headerTimeoutMs(),
                                config.bodyTimeoutMs(),
                                config.idleTimeoutMs(),
                                config.maxBodyBytes(),
                                budget,
                                encoder);
                        ch.pipeline().addLast(conn.new Decoder(decoder), encoder, conn);
                    }
                });
        var bound = b.bind(new InetSocketAddress(config.host(), config.port())).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            Throwable c = bound.cause();
            throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": " + c.getMessage(), c);
        }
        this.server = bound.channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Whether the native epoll transport is in use. */
    public boolean nativeTransport() {
        return epoll;
    }

    /** Bytes the connections' buffer allocator holds now (pooled free space included), -1 when unknown. */
    public long bufferBytes() {
        if (alloc instanceof ByteBufAllocatorMetricProvider p) {
            var m = p.metric();
            return m.usedDirectMemory() + m.usedHeapMemory();
        }
        return -1;
    }

    /** Request-body bytes held or reserved now (see {@link BodyBudget}). */
    public long bodyBytes() {
        return budget.used();
    }

    /** Open connections now. */
    public int connections() {
        return open.size();
    }

    /** Stops accepting connections; open ones keep being served. */
    public void stopAccepting() {
        server.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    }

    /** Closes every connection (no request can start on one any more), waiting at most {@code waitMs}. */
    public void closeConnections(long waitMs) {
        open.close().awaitUninterruptibly(Math.max(1, waitMs));
    }

    /** Closes every connection and stops the event loops, waiting at most {@code waitMs}. */
    public void stop(long waitMs) {
        stopAccepting();
        open.close().awaitUninterruptibly(Math.max(1, waitMs / 2));
        group.shutdownGracefully(0, Math.max(1, waitMs / 2), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(Math.max(1, waitMs / 2));
    }
}
