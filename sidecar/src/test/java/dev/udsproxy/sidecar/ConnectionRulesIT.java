package dev.udsproxy.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.udsproxy.contract.Setting;
import dev.udsproxy.sidecar.testing.Conversations;
import dev.udsproxy.sidecar.testing.RunningSidecar;
import dev.udsproxy.sidecar.testing.SocketServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idle timeout, the connection limit, and resets crossing the proxy. */
class ConnectionRulesIT {
    @TempDir
    Path dir;

    @Test
    void idleConnectionsAreClosed() throws Exception {
        Map<Setting, String> raw = RunningSidecar.settings(dir);
        raw.put(Setting.IDLE_TIMEOUT, "300ms");
        try (SocketServer app = SocketServer.unix(dir.resolve("app.sock"), Conversations::echo);
             RunningSidecar sidecar = RunningSidecar.start(dir, raw);
             SocketChannel client = sidecar.connect()) {
            Conversations.writeAll(client, "x".getBytes(StandardCharsets.US_ASCII));
            assertThat(Conversations.readExactly(client, 1)).asString().isEqualTo("x");
            long start = System.nanoTime();

            Conversations.assertEnded(client);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250),
                    Duration.ofMillis(1500));
            assertThat(sidecar.metric("udsproxy_connections_idle_closed_total", "inbound")).isEqualTo(1.0);
        }
    }

    @Test
    void connectionsOverTheLimitAreRefused() throws Exception {
        Map<Setting, String> raw = RunningSidecar.settings(dir);
        raw.put(Setting.MAX_CONNECTIONS, "2");
        try (SocketServer app = SocketServer.unix(dir.resolve("app.sock"), Conversations::echo);
             RunningSidecar sidecar = RunningSidecar.start(dir, raw);
             SocketChannel first = sidecar.connect();
             SocketChannel second = sidecar.connect();
             SocketChannel third = sidecar.connect()) {
            Conversations.assertEnded(third);
            for (SocketChannel ok : new SocketChannel[] {first, second}) {
                Conversations.writeAll(ok, "y".getBytes(StandardCharsets.US_ASCII));
                assertThat(Conversations.readExactly(ok, 1)).asString().isEqualTo("y");
            }
            assertThat(sidecar.metric("udsproxy_connections_rejected_total", "inbound")).isEqualTo(1.0);
        }
    }

    @Test
    void anAppThatDropsUnreadDataResetsTheClient() throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        // The app closes while our bytes sit unread in its socket: Linux reports ECONNRESET to the sidecar's end.
        SocketServer.Conversation dropWithUnreadData = ch -> {
            try {
                received.await();
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (SocketServer app = SocketServer.unix(dir.resolve("app.sock"), dropWithUnreadData);
             RunningSidecar sidecar = RunningSidecar.start(dir, RunningSidecar.settings(dir));
             SocketChannel client = sidecar.connect()) {
            Conversations.writeAll(client, "unread".getBytes(StandardCharsets.US_ASCII));
            await().until(() -> sidecar.series(
                    "udsproxy_bytes_total{direction=\"inbound\",towards=\"upstream\"}") >= 6);
            received.countDown();

            assertThatThrownBy(() -> client.read(ByteBuffer.allocate(8)))
                    .isInstanceOf(IOException.class).hasMessageContaining("reset");
            assertThat(sidecar.metric("udsproxy_connections_reset_total", "inbound")).isEqualTo(1.0);
        }
    }
}
