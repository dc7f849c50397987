package dev.udsproxy.sidecar.proxy;

import dev.udsproxy.sidecar.config.HostPort;
import io.netty.channel.EventLoop;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Executor;

/** Where a link's upstream is: a fixed socket path, or a TCP host looked up for every connection. */
public final class UpstreamTarget {
    private final SocketAddress fixed;
    private final HostPort host;
    private final Executor dns;

    private UpstreamTarget(SocketAddress fixed, HostPort host, Executor dns) {
        this.fixed = fixed;
        this.host = host;
        this.dns = dns;
    }

    public static UpstreamTarget fixed(SocketAddress address) {
        return new UpstreamTarget(address, null, null);
    }

    /** DNS runs on {@code dns}, never on the event loop: a slow lookup must not stall other connections. */
    public static UpstreamTarget lookedUp(HostPort host, Executor dns) {
        if (NetUtil.isValidIpV4Address(host.host()) || NetUtil.isValidIpV6Address(host.host())) {
            // An address literal needs no lookup; the host is kept for toString (logs name it as configured).
            return new UpstreamTarget(
                    new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(host.host()), host.port()),
                    host, null);
        }
        return new UpstreamTarget(null, host, dns);
    }

    /** The address when it never changes, else null (then use {@link #resolve}). */
    SocketAddress fixedAddress() {
        return fixed;
    }

    Future<SocketAddress> resolve(EventLoop loop) {
        Promise<SocketAddress> result = loop.newPromise();
        dns.execute(() -> {
            try {
                result.setSuccess(new InetSocketAddress(InetAddress.getByName(host.host()), host.port()));
            } catch (UnknownHostException | RuntimeException e) {
                result.setFailure(e);
            }
        });
        return result;
    }

    @Override
    public String toString() {
        return host != null ? host.toString() : fixed.toString();
    }
}
