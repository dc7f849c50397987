package dev.udsproxy.sidecar.proxy;

import dev.udsproxy.sidecar.config.ProxyProtocol;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/** Decides the PROXY protocol header for one client connection: who connected (source) to which address (destination). */
public final class ProxyHeaders {
    private static final byte[] V1_UNKNOWN = "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII);

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

    /**
     * Writes and flushes the header as the first bytes on {@code upstream}; call on the upstream's event loop.
     * HAProxyMessageEncoder cannot write a v1 UNKNOWN line (it would print the null addresses), so that one
     * line is written as the spec gives it.
     */
    public static void write(Channel upstream, ProxyProtocol protocol, SocketAddress source,
                             SocketAddress destination) {
        HAProxyMessage header = forConnection(protocol, source, destination);
        if (protocol == ProxyProtocol.V1 && header.proxiedProtocol() == HAProxyProxiedProtocol.UNKNOWN) {
            header.release();
            upstream.writeAndFlush(Unpooled.wrappedBuffer(V1_UNKNOWN), upstream.voidPromise());
            return;
        }
        // On the event loop the write is encoded at once, so the encoder can leave the pipeline right after:
        // the data path then carries no extra handler.
        upstream.pipeline().addFirst(HAProxyMessageEncoder.INSTANCE);
        upstream.writeAndFlush(header, upstream.voidPromise());
        upstream.pipeline().remove(HAProxyMessageEncoder.INSTANCE);
    }

    private static String asV6(InetAddress address) {
        // RFC 5952 text ("::1", not "0:0:0:0:0:0:0:1"), as HAProxy writes it.
        if (address instanceof Inet6Address) {
            return NetUtil.toAddressString(address);
        }
        return "::ffff:" + address.getHostAddress();
    }
}
