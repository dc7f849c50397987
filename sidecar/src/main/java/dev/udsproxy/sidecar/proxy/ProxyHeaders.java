package dev.udsproxy.sidecar.proxy;

import dev.udsproxy.sidecar.config.ProxyProtocol;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Decides the PROXY protocol header for one client connection: who connected (source) to which address (destination). */
public final class ProxyHeaders {
    private ProxyHeaders() {
    }

    public static HAProxyMessage forConnection(ProxyProtocol protocol, SocketAddress source, SocketAddress destination) {
        HAProxyProtocolVersion version = protocol == ProxyProtocol.V1 ? HAProxyProtocolVersion.V1
                : HAProxyProtocolVersion.V2;
        if (!(source instanceof InetSocketAddress src) || !(destination instanceof InetSocketAddress dst)
                || src.getAddress() == null || dst.getAddress() == null) {
            // Not a TCP connection we can describe: the spec's UNKNOWN family, the receiver uses the socket's own.
            return new HAProxyMessage(version, HAProxyCommand.PROXY, HAProxyProxiedProtocol.UNKNOWN,
                    null, null, 0, 0);
        }
        InetAddress s = src.getAddress();
        InetAddress d = dst.getAddress();
        if (s instanceof Inet4Address && d instanceof Inet4Address) {
            return new HAProxyMessage(version, HAProxyCommand.PROXY, HAProxyProxiedProtocol.TCP4,
                    s.getHostAddress(), d.getHostAddress(), src.getPort(), dst.getPort());
        }
        // Mixed families (an IPv4 client on a dual-stack listener): both sides as IPv6, IPv4 ones mapped.
        return new HAProxyMessage(version, HAProxyCommand.PROXY, HAProxyProxiedProtocol.TCP6,
                asV6(s), asV6(d), src.getPort(), dst.getPort());
    }

    private static String asV6(InetAddress address) {
        if (address instanceof Inet6Address) {
            return address.getHostAddress();
        }
        return "::ffff:" + address.getHostAddress();
    }
}
