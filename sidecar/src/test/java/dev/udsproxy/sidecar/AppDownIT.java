package dev.udsproxy.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.udsproxy.contract.Setting;
import dev.udsproxy.sidecar.testing.Conversations;
import dev.udsproxy.sidecar.testing.RunningSidecar;
import dev.udsproxy.sidecar.testing.SocketServer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app's socket missing: clients are closed after the connect timeout and counted; the app comes: all good. */
class AppDownIT {
    @TempDir
    Path dir;

    @Test
    void appDownThenUp() throws Exception {
        Map<Setting, String> raw = RunningSidecar.settings(dir);
        raw.put(Setting.CONNECT_TIMEOUT, "300ms");
        try (RunningSidecar sidecar = RunningSidecar.start(dir, raw)) {
            assertThat(sidecar.admin("/readyz").statusCode()).isEqualTo(503);
            assertThat(sidecar.admin("/readyz").body()).contains("app.sock");

            long start = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                try (SocketChannel client = sidecar.connect()) {
                    Conversations.writeAll(client, "ping".getBytes(StandardCharsets.US_ASCII));
                    // Unread bytes in our receive queue make the kernel send a reset rather than a FIN: both end it.
                    Conversations.assertEnded(client);
                }
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(sidecar.metric("udsproxy_upstream_connect_failures_total", "inbound")).isEqualTo(3.0);
            assertThat(sidecar.metric("udsproxy_upstream_connect_retries_total", "inbound")).isPositive();
            assertThat(sidecar.admin("/healthz").statusCode()).isEqualTo(200);

            try (SocketServer app = SocketServer.unix(sidecar.appSocket, Conversations::echo)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> sidecar.admin("/readyz").statusCode() == 200);
                try (SocketChannel client = sidecar.connect()) {
                    Conversations.writeAll(client, "ping".getBytes(StandardCharsets.US_ASCII));
                    assertThat(Conversations.readExactly(client, 4)).asString().isEqualTo("ping");
                }
            }
        }
    }

    @Test
    void clientWaitsForAnAppThatIsStillStarting() throws Exception {
        Map<Setting, String> raw = RunningSidecar.settings(dir);
        raw.put(Setting.CONNECT_TIMEOUT, "5s");
        try (RunningSidecar sidecar = RunningSidecar.start(dir, raw);
             SocketChannel client = sidecar.connect()) {
            Conversations.writeAll(client, "early".getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(2))
                    .until(() -> sidecar.metric("udsproxy_upstream_connect_retries_total", "inbound") >= 2);

            try (SocketServer app = SocketServer.unix(sidecar.appSocket, Conversations::echo)) {
                assertThat(Conversations.readExactly(client, 5)).asString().isEqualTo("early");
                assertThat(sidecar.metric("udsproxy_upstream_connect_failures_total", "inbound")).isZero();
            }
        }
    }
}
