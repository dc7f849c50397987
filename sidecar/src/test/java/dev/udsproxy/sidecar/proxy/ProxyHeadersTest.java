package dev.udsproxy.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.sidecar.config.ProxyProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The headers we write, byte for byte, against the examples of HAProxy's proxy-protocol.txt. */
class ProxyHeadersTest {
    private static final String V2_SIGNATURE = "0d0a0d0a000d0a515549540a";

    @Test
    void v1Tcp4AsInSpecSection21() {
        assertThat(ascii(encode(ProxyProtocol.V1, addr("192.168.0.1", 56324), addr("192.168.0.11", 443))))
                .isEqualTo("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n");
    }

    @Test
    void v1WorstCaseTcp4LineIsTheSpecs56Bytes() {
        String line = ascii(encode(ProxyProtocol.V1, addr("255.255.255.255", 65535), addr("255.255.255.255", 65535)));
        assertThat(line).isEqualTo("PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n").hasSize(56);
    }

    @Test
    void v1WorstCaseTcp6LineIsTheSpecs104Bytes() {
        String max = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        String line = ascii(encode(ProxyProtocol.V1, addr(max, 65535), addr(max, 65535)));
        assertThat(line).isEqualTo("PROXY TCP6 " + max + " " + max + " 65535 65535\r\n").hasSize(104);
    }

    @Test
    void v1UnknownWhenTheClientHasNoInetAddress() {
        assertThat(ascii(encode(ProxyProtocol.V1, null, null))).isEqualTo("PROXY UNKNOWN\r\n");
    }

    @Test
    void v2Tcp4AsHaproxyWritesIt() {
        // HAProxy 2.x, 172.19.0.1:42578 -> 172.19.0.3:80, captured with netcat (no TLVs).
        assertThat(hex(encode(ProxyProtocol.V2, addr("172.19.0.1", 42578), addr("172.19.0.3", 80))))
                .isEqualTo(V2_SIGNATURE + "2111000c" + "ac130001" + "ac130003" + "a652" + "0050");
    }

    @Test
    void v2Tcp6FollowsTheSpecLayout() {
        // \x21 = v2 PROXY, \x21 = AF_INET6 STREAM, length 36: 16 + 16 address bytes, 2 + 2 port bytes.
        assertThat(hex(encode(ProxyProtocol.V2, addr("2001:db8::1", 1234), addr("2001:db8::2", 443))))
                .isEqualTo(V2_SIGNATURE + "21210024"
                        + "20010db8000000000000000000000001" + "20010db8000000000000000000000002"
                        + "04d2" + "01bb");
    }

    @Test
    void mixedFamiliesAreSentAsMappedIpv6() {
        assertThat(ascii(encode(ProxyProtocol.V1, addr("10.0.0.1", 1000), addr("::1", 8080))))
                .isEqualTo("PROXY TCP6 ::ffff:10.0.0.1 ::1 1000 8080\r\n");
    }

    private static InetSocketAddress addr(String ip, int port) {
        return new InetSocketAddress(ip, port);
    }

    private static byte[] encode(ProxyProtocol version, SocketAddress source, SocketAddress destination) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ProxyHeaders.write(ch, version, source, destination);
        ByteBuf out = ch.readOutbound();
        byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        ch.finishAndReleaseAll();
        return bytes;
    }

    private static String ascii(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static String hex(byte[] b) {
        return ByteBufUtil.hexDump(b);
    }
}
