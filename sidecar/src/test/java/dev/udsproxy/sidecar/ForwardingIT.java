package dev.udsproxy.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.contract.Setting;
import dev.udsproxy.sidecar.config.SidecarConfig;
import dev.udsproxy.sidecar.testing.Conversations;
import dev.udsproxy.sidecar.testing.RunningSidecar;
import dev.udsproxy.sidecar.testing.SocketServer;
import dev.udsproxy.sidecar.testing.Streams;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** 64 MiB of random bytes through each direction, on each transport, arrive unchanged. */
class ForwardingIT {
    private static final long SIZE = 64L * 1024 * 1024;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void inboundCarries64MiBUnchanged(String transport) throws Exception {
        assumeTransport(transport);
        Map<Setting, String> raw = RunningSidecar.settings(dir);
        raw.put(Setting.TRANSPORT, transport);
        try (SocketServer app = SocketServer.unix(dir.resolve("app.sock"), Conversations::echo);
             RunningSidecar sidecar = RunningSidecar.start(dir, raw);
             SocketChannel client = sidecar.connect()) {
            assertThat(sidecar.sidecar.transport().name()).isEqualTo(transport);

            Streams.Checksums sums = Streams.echoRandom(client, SIZE, 1);

            assertThat(sums.receivedBytes()).isEqualTo(SIZE);
            assertThat(sums.received()).isEqualTo(sums.sent());
            assertThat(sidecar.metric("udsproxy_bytes_total", "inbound")).isGreaterThanOrEqualTo(SIZE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void egressCarries64MiBUnchanged(String transport) throws Exception {
        assumeTransport(transport);
        try (SocketServer service = SocketServer.tcp(Conversations::echo)) {
            Map<Setting, String> raw = RunningSidecar.settings(dir);
            raw.put(Setting.TRANSPORT, transport);
            raw.put(Setting.EGRESS, "echo=127.0.0.1:" + service.port());
            try (RunningSidecar sidecar = RunningSidecar.start(dir, raw);
                 SocketChannel app = SocketChannel.open(
                         UnixDomainSocketAddress.of(SidecarConfig.egressSocket(dir, "echo")))) {

                Streams.Checksums sums = Streams.echoRandom(app, SIZE, 2);

                assertThat(sums.receivedBytes()).isEqualTo(SIZE);
                assertThat(sums.received()).isEqualTo(sums.sent());
                assertThat(sidecar.metric("udsproxy_connections_total", "egress")).isEqualTo(1.0);
            }
        }
    }

    @Test
    void aTcpUpstreamCarries64MiBUnchanged() throws Exception {
        Map<Setting, String> raw = RunningSidecar.settings(dir);
        try (SocketServer app = SocketServer.tcp(Conversations::echo)) {
            raw.put(Setting.UPSTREAM, "tcp:127.0.0.1:" + app.port());
            try (RunningSidecar sidecar = RunningSidecar.start(dir, raw);
                 SocketChannel client = sidecar.connect()) {
                Streams.Checksums sums = Streams.echoRandom(client, SIZE, 1);

                assertThat(sums.receivedBytes()).isEqualTo(SIZE);
                assertThat(sums.received()).isEqualTo(sums.sent());
            }
        }
    }

    static void assumeTransport(String transport) {
        if (transport.equals("io_uring")) {
            Assumptions.assumeTrue(IoUring.isAvailable(), () -> "skipped: io_uring is not available here: "
                    + IoUring.unavailabilityCause());
        }
        if (transport.equals("epoll")) {
            Assumptions.assumeTrue(Epoll.isAvailable(), () -> "skipped: native epoll is not available here: "
                    + Epoll.unavailabilityCause());
        }
    }
}
