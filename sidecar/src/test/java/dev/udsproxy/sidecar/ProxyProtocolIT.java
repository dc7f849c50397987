package dev.udsproxy.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.contract.Setting;
import dev.udsproxy.sidecar.testing.Conversations;
import dev.udsproxy.sidecar.testing.RunningSidecar;
import dev.udsproxy.sidecar.testing.SocketServer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over real sockets: the app's first bytes are the PROXY header naming the TCP client, then the client's bytes. */
class ProxyProtocolIT {
    private static final byte[] V2_SIGNATURE = HexFormat.of().parseHex("0d0a0d0a000d0a515549540a");

    @TempDir
    Path dir;

    @Test
    void v1HeaderNamesTheClient() throws Exception {
        byte[] seen = firstBytesSeenByApp("v1", client -> {
            String line = "PROXY TCP4 127.0.0.1 127.0.0.1 " + client.local.getPort() + " " + client.server.getPort()
                    + "\r\n";
            return line.length();
        });
        // The expected line is rebuilt from the ports of this very connection, as spec section 2.1 lays it out.
        String text = new String(seen, StandardCharsets.US_ASCII);
        assertThat(text).matches("PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 \\d+ \\d+\r\nhi");
        assertThat(text).isEqualTo("PROXY TCP4 127.0.0.1 127.0.0.1 " + lastClient.local.getPort() + " "
                + lastClient.server.getPort() + "\r\nhi");
    }

    @Test
    void v2HeaderNamesTheClient() throws Exception {
        byte[] seen = firstBytesSeenByApp("v2", client -> 16 + 12);
        ByteBuffer expected = ByteBuffer.allocate(16 + 12 + 2)
                .put(V2_SIGNATURE)
                .put((byte) 0x21) // version 2, command PROXY
                .put((byte) 0x11) // AF_INET, STREAM
                .putShort((short) 12)
                .put(new byte[] {127, 0, 0, 1}).put(new byte[] {127, 0, 0, 1})
                .putShort((short) lastClient.local.getPort()).putShort((short) lastClient.server.getPort())
                .put("hi".getBytes(StandardCharsets.US_ASCII));
        assertThat(HexFormat.of().formatHex(seen)).isEqualTo(HexFormat.of().formatHex(expected.array()));
    }

    private record ClientPorts(InetSocketAddress local, InetSocketAddress server) {
    }

    private interface HeaderLength {
        int of(ClientPorts client);
    }

    private ClientPorts lastClient;

    private byte[] firstBytesSeenByApp(String version, HeaderLength headerLength) throws Exception {
        CompletableFuture<SocketChannel> appSide = new CompletableFuture<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Map<Setting, String> raw = RunningSidecar.settings(dir);
        raw.put(Setting.PROXY_PROTOCOL, version);
        try (SocketServer app = SocketServer.unix(dir.resolve("app.sock"), ch -> {
            appSide.complete(ch);
            done.join();
        });
             RunningSidecar sidecar = RunningSidecar.start(dir, raw);
             SocketChannel client = sidecar.connect()) {
            lastClient = new ClientPorts((InetSocketAddress) client.getLocalAddress(),
                    (InetSocketAddress) client.getRemoteAddress());
            Conversations.writeAll(client, "hi".getBytes(StandardCharsets.US_ASCII));
            SocketChannel ch = appSide.get(5, TimeUnit.SECONDS);
            byte[] seen = Conversations.readExactly(ch, headerLength.of(lastClient) + 2);
            done.complete(null);
            return seen;
        }
    }
}
