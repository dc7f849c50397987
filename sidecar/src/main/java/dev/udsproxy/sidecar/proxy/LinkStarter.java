package dev.udsproxy.sidecar.proxy;

import dev.udsproxy.sidecar.config.ProxyProtocol;
import dev.udsproxy.sidecar.metrics.DirectionCounters;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelInitializer;
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
        long accepted = System.nanoTime();
        client.closeFuture().addListener(f -> {
            gate.release();
            counters.active.decrement();
            counters.connectionSeconds.observe((System.nanoTime() - accepted) / 1e9);
        });
        client.pipeline().addLast(new HoldUntilJoined());
        dialer.dial(client, upstream -> joined(client, upstream));
    }

    private void joined(Channel client, Channel upstream) {
        if (proxyProtocol != ProxyProtocol.OFF) {
            // Flushed at once: in server-speaks-first protocols the client sends nothing before the app answers.
            ProxyHeaders.write(upstream, proxyProtocol, client.remoteAddress(), client.localAddress());
        }
        SocketLink.join(client, upstream, counters, idleTimeout);
    }
}
