package dev.udsproxy.sidecar;

import dev.udsproxy.contract.LogFormat;
import dev.udsproxy.sidecar.admin.AdminHandler;
import dev.udsproxy.sidecar.admin.AdminServer;
import dev.udsproxy.sidecar.admin.ReadinessProbe;
import dev.udsproxy.sidecar.config.AppUpstream;
import dev.udsproxy.sidecar.config.EgressRoute;
import dev.udsproxy.sidecar.config.HostPort;
import dev.udsproxy.sidecar.config.ProxyProtocol;
import dev.udsproxy.sidecar.config.SidecarConfig;
import dev.udsproxy.sidecar.log.JulBridge;
import dev.udsproxy.sidecar.log.Log;
import dev.udsproxy.sidecar.metrics.Direction;
import dev.udsproxy.sidecar.metrics.MetricsExposition;
import dev.udsproxy.sidecar.metrics.ProxyMetrics;
import dev.udsproxy.sidecar.proxy.ConnectionGate;
import dev.udsproxy.sidecar.proxy.EgressSocketFile;
import dev.udsproxy.sidecar.proxy.LinkStarter;
import dev.udsproxy.sidecar.proxy.Transport;
import dev.udsproxy.sidecar.proxy.UpstreamDialer;
import dev.udsproxy.sidecar.proxy.UpstreamFailureLog;
import dev.udsproxy.sidecar.proxy.UpstreamTarget;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One running sidecar: the inbound listener, the egress listeners, the admin port, all on one event loop group;
 * and the shutdown sequence (not ready at once, grace, stop accepting, drain, stop).
 */
public final class Sidecar {
    /** Netty's defaults, stated: per connection and direction at most ~64 KiB wait in our memory. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);
    static final String LOGGER = "udsproxy.sidecar";
    /**
     * Read buffers of at least 1 KiB: Netty's default may shrink to 64 B, and a read that exactly fills its buffer
     * makes Netty read again and hit EAGAIN (seen as ~8% extra recvfrom calls with 64-byte messages).
     */
    static final AdaptiveRecvByteBufAllocator READ_BUFFERS = new AdaptiveRecvByteBufAllocator(1024, 2048, 64 * 1024);

    private final SidecarConfig config;
    private final Transport transport;
    private final EventLoopGroup group;
    private final ProxyMetrics metrics = new ProxyMetrics();
    private final ConnectionGate gate;
    private final Log log;
    private final UpstreamFailureLog failureLog;
    private final List<Channel> listeners = new ArrayList<>();
    private final List<Path> egressFiles = new ArrayList<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ExecutorService dns;
    private Channel inbound;
    private Channel admin;

    private Sidecar(SidecarConfig config) {
        this.config = config;
        this.log = Log.stderr(config.logFormat());
        if (config.logFormat() == LogFormat.JSON) {
            JulBridge.install(log); // before Netty logs anything
        }
        this.failureLog = new UpstreamFailureLog(log, System::nanoTime);
        this.transport = Transport.select(config.transport());
        this.group = transport.newEventLoopGroup(config.ioThreads());
        this.gate = new ConnectionGate(config.maxConnections());
    }

    /** Binds everything or fails (and releases what was bound); the caller decides the exit code. */
    public static Sidecar start(SidecarConfig config) throws IOException, InterruptedException {
        Sidecar sidecar = new Sidecar(config);
        try {
            sidecar.bindAll();
        } catch (IOException | InterruptedException | RuntimeException e) {
            sidecar.stopNow();
            throw e;
        }
        return sidecar;
    }

    private void bindAll() throws IOException, InterruptedException {
        SocketAddress app = switch (config.upstream()) {
            case AppUpstream.Unix unix -> transport.unixAddress(unix.path());
            case AppUpstream.Tcp tcp -> resolve(tcp.address());
        };
        Class<? extends Channel> appChannel = config.upstream() instanceof AppUpstream.Unix
                ? transport.unixClient() : transport.tcpClient();
        UpstreamDialer toApp = new UpstreamDialer(appChannel, transport.halfClosure(appChannel), UpstreamTarget.fixed(app),
                config.connectTimeout(), WATER_MARK, READ_BUFFERS, Direction.INBOUND, metrics.of(Direction.INBOUND),
                failureLog);
        inbound = bind(transport.tcpServer(), resolve(config.listen()),
                new LinkStarter(gate, metrics.of(Direction.INBOUND), toApp, config.proxyProtocol(),
                        config.idleTimeout()));
        listeners.add(inbound);
        for (EgressRoute route : config.egress()) {
            bindEgress(route);
        }
        ReadinessProbe probe = new ReadinessProbe(group, appChannel, app);
        MetricsExposition exposition = new MetricsExposition(metrics, ByteBufAllocator.DEFAULT);
        admin = AdminServer.bind(group, transport.tcpServer(), resolve(config.admin()),
                new AdminHandler(probe, exposition, draining::get, this::drain, config.adminShutdown(), log));
        // The summaries of suppressed failure lines ("suppressed K similar"), once per rate-limit window.
        group.next().scheduleAtFixedRate(failureLog::flushSummaries, UpstreamFailureLog.WINDOW_SECONDS,
                UpstreamFailureLog.WINDOW_SECONDS, TimeUnit.SECONDS);
    }

    private void bindEgress(EgressRoute route) throws IOException, InterruptedException {
        if (dns == null) {
            dns = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "udsproxy-dns");
                t.setDaemon(true);
                return t;
            });
        }
        Path file = config.egressSocket(route);
        EgressSocketFile.prepare(file);
        UpstreamDialer dialer = new UpstreamDialer(transport.tcpClient(), true,
                UpstreamTarget.lookedUp(route.target(), dns),
                config.connectTimeout(), WATER_MARK, READ_BUFFERS, Direction.EGRESS, metrics.of(Direction.EGRESS),
                failureLog);
        listeners.add(bind(transport.unixServer(), transport.unixAddress(file),
                new LinkStarter(gate, metrics.of(Direction.EGRESS), dialer, ProxyProtocol.OFF,
                        config.idleTimeout())));
        egressFiles.add(file);
        EgressSocketFile.restrict(file);
    }

    private Channel bind(Class<? extends ServerChannel> serverClass, SocketAddress address, LinkStarter starter)
            throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(serverClass)
                .option(ChannelOption.SO_BACKLOG, config.backlog())
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, READ_BUFFERS)
                .childHandler(starter);
        if (transport.halfClosure(serverClass)) {
            b.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
        return b.bind(address).sync().channel();
    }

    private static InetSocketAddress resolve(HostPort hostPort) {
        return new InetSocketAddress(hostPort.host(), hostPort.port());
    }

    public Transport transport() {
        return transport;
    }

    public Log log() {
        return log;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    public InetSocketAddress listenAddress() {
        return (InetSocketAddress) inbound.localAddress();
    }

    public InetSocketAddress adminAddress() {
        return (InetSocketAddress) admin.localAddress();
    }

    public boolean draining() {
        return draining.get();
    }

    /**
     * Starts the shutdown sequence once; returns at once. Readiness turns false now; listeners stay open for the
     * grace period (the endpoints controller needs a moment to take the Pod out of Services), then close; open
     * connections get up to the drain timeout; then everything stops.
     */
    public void drain() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        log.info(LOGGER, "draining: not ready; accepting for " + config.shutdownGrace().toMillis()
                + " ms, then waiting up to " + config.drainTimeout().toMillis() + " ms for " + gate.open()
                + " open connections");
        Thread t = new Thread(this::drainSequence, "udsproxy-drain");
        t.start();
    }

    private void drainSequence() {
        try {
            Thread.sleep(config.shutdownGrace().toMillis());
            closeListeners();
            long deadline = System.nanoTime() + config.drainTimeout().toNanos();
            while (gate.open() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            int left = gate.open();
            log.info(LOGGER, left == 0 ? "drained; stopping" : "drain timeout: closing " + left + " open connections");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopNow();
        }
    }

    private void closeListeners() {
        for (Channel listener : listeners) {
            listener.close().syncUninterruptibly();
        }
        for (Path file : egressFiles) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn(LOGGER, "could not remove " + file, "error", e.getMessage());
            }
        }
    }

    /** Closes everything now, open connections included. */
    public void stopNow() {
        // Once: the drain's end and a caller (a test's close, a second signal) may both ask; the second waits.
        if (!stopping.compareAndSet(false, true)) {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        closeListeners();
        if (admin != null) {
            admin.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (dns != null) {
            dns.shutdownNow();
        }
        stopped.countDown();
    }

    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }
}
