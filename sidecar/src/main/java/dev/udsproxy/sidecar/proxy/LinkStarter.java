package dev.udsproxy.sidecar.proxy;

import dev.udsproxy.sidecar.config.ProxyProtocol;
import dev.udsproxy.sidecar.metrics.DirectionCounters;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import java.time.Duration;

/** Runs for every accepted connection: admits it under the limit, dials the upstream, then joins the two. */
@Sharable
public final class LinkStarter extends ChannelInitializer<Channel> {
    private final ConnectionGate gate;
    private final DirectionCounters counters;
    private final UpstreamDialer dialer;
    private final ProxyProtocol proxyProtocol;
    private final Duration idleTimeout;

    public LinkStarter(ConnectionGate gate, DirectionCounters counters, UpstreamDialer dialer,
                       ProxyProtocol proxyProtocol, Duration idleTimeout) {
        this.gate = gate;
        this.counters = counters;
        this.dialer = dialer;
        this.proxyProtocol = proxyProtocol;
        this.idleTimeout = idleTimeout;
    }

    @Override
    protected void initChannel(Channel client) {
        if (!gate.tryAcquire()) {
            counters.rejected.increment();
            client.close();
            return;
        }
        counters.opened.increment();
        counters.active.increment();
        client.closeFuture().addListener(f -> {
            gate.release();
            counters.active.decrement();
        });
        dialer.dial(client, upstream -> joined(client, upstream));
    }

    private void joined(Channel client, Channel upstream) {
        if (proxyProtocol != ProxyProtocol.OFF) {
            // We are on the upstream's event loop, so the write is encoded before the encoder is removed again;
            // flushed at once because server-speaks-first protocols would otherwise wait for the client.
            upstream.pipeline().addFirst(HAProxyMessageEncoder.INSTANCE);
            upstream.writeAndFlush(ProxyHeaders.forConnection(proxyProtocol, client.remoteAddress(),
                    client.localAddress()), upstream.voidPromise());
            upstream.pipeline().remove(HAProxyMessageEncoder.INSTANCE);
        }
        SocketLink.join(client, upstream, counters, idleTimeout);
    }
}
