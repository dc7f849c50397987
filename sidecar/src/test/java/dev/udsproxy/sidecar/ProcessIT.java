package dev.udsproxy.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.udsproxy.sidecar.testing.Conversations;
import dev.udsproxy.sidecar.testing.Launcher;
import dev.udsproxy.sidecar.testing.RunningSidecar;
import dev.udsproxy.sidecar.testing.SocketServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The real jar, started by bin/udsproxy-sidecar as a child process: SIGTERM handling and exit codes. */
class ProcessIT {
    private static final Path LAUNCHER = Path.of("bin/udsproxy-sidecar").toAbsolutePath();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    static ProcessBuilder launcher(Map<String, String> env, String... args) {
        return Launcher.launcher(env, args);
    }

    /**
     * SIGTERM: not ready at once, new connections refused after the grace period, the open request answered, exit 0.
     * Every step is awaited rather than slept: on a loaded host the JVM's timers and signal handling run late, and a
     * fixed sleep then failed the test (seen at load average 6-9). The app holds its answer until the test has seen
     * the listener closed, so "still draining" does not race the answer either.
     */
    @Test
    void sigtermLetsInFlightRequestsFinishAndExitsZero() throws Exception {
        CountDownLatch requestArrived = new CountDownLatch(1);
        CountDownLatch mayAnswer = new CountDownLatch(1);
        SocketServer.Conversation slowAnswer = ch -> {
            byte[] req = Conversations.readExactly(ch, 4);
            requestArrived.countDown();
            try {
                mayAnswer.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Conversations.writeAll(ch, ("done:" + new String(req, StandardCharsets.US_ASCII))
                    .getBytes(StandardCharsets.US_ASCII));
        };
        Duration grace = Duration.ofMillis(500);
        int port = RunningSidecar.freePort();
        int admin = RunningSidecar.freePort();
        Path log = dir.resolve("sidecar.log");
        try (SocketServer app = SocketServer.unix(dir.resolve("app.sock"), slowAnswer)) {
            Process p = launcher(Map.of("UDSPROXY_SHUTDOWN_GRACE", grace.toMillis() + "ms"),
                    "--listen", "127.0.0.1:" + port, "--admin", "127.0.0.1:" + admin,
                    "--upstream", "unix:" + dir.resolve("app.sock"), "--socket-dir", dir.toString(),
                    "--drain-timeout", "20s")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> status(admin, "/readyz") == 200);
                try (SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                    Conversations.writeAll(client, "req1".getBytes(StandardCharsets.US_ASCII));
                    assertThat(requestArrived.await(5, TimeUnit.SECONDS)).isTrue();

                    long sigterm = System.nanoTime();
                    p.destroy(); // SIGTERM
                    await("/readyz 503 after SIGTERM").atMost(Duration.ofSeconds(10))
                            .pollInterval(Duration.ofMillis(20)).until(() -> status(admin, "/readyz") == 503);
                    await("new connections refused after the grace period").atMost(Duration.ofSeconds(10))
                            .pollInterval(Duration.ofMillis(100)).until(() -> refused(port));
                    assertThat(Duration.ofNanos(System.nanoTime() - sigterm))
                            .as("the listener stayed open for the grace period").isGreaterThanOrEqualTo(grace);
                    assertThat(p.isAlive()).as("still draining the open connection").isTrue();
                    mayAnswer.countDown();
                    assertThat(Conversations.readExactly(client, 9)).asString().isEqualTo("done:req1");
                }
                assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("exited after the drain").isTrue();
                assertThat(p.exitValue()).as(Files.readString(log)).isZero();
                assertThat(Files.readString(log)).contains("drained; stopping");
            } finally {
                mayAnswer.countDown();
                p.destroyForcibly();
            }
        }
    }

    private static boolean refused(int port) throws IOException {
        try (SocketChannel probe = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "flag | --listen=localhost       | invalid --listen (env UDSPROXY_LISTEN) value \"localhost\": expected host:port",
        "env  | UDSPROXY_PROXY_PROTOCOL=v3 | invalid --proxy-protocol (env UDSPROXY_PROXY_PROTOCOL) value \"v3\": expected off, v1 or v2",
        "env  | UDSPROXY_DRAIN_TIMEOUT=10 | invalid --drain-timeout (env UDSPROXY_DRAIN_TIMEOUT) value \"10\": expected a whole number with unit",
        "flag | --egress=redis:6379      | invalid --egress (env UDSPROXY_EGRESS) value \"redis:6379\": expected name=host:port",
        "env  | UDSPROXY_ADMIN_SHUTDOWN=all | invalid --admin-shutdown (env UDSPROXY_ADMIN_SHUTDOWN) value \"all\": expected loopback or off",
        "flag | --log-format=xml         | invalid --log-format (env UDSPROXY_LOG_FORMAT) value \"xml\": expected text or json",
        "env  | UDSPROXY_TRANSPORT=kqueue | invalid --transport (env UDSPROXY_TRANSPORT) value \"kqueue\": expected auto, io_uring, epoll or nio",
        "flag | --transport=uring        | invalid --transport (env UDSPROXY_TRANSPORT) value \"uring\": expected auto, io_uring, epoll or nio",
        "env  | UDSPROXY_BACKLOG=0       | invalid --backlog (env UDSPROXY_BACKLOG) value \"0\": expected a whole number from 1 to 65535",
        "flag | --backlog=huge           | invalid --backlog (env UDSPROXY_BACKLOG) value \"huge\": expected a whole number from 1 to 65535",
        "flag | --no-such-flag           | Unknown option: '--no-such-flag'",
    })
    void badSettingsExitTwoWithAMessage(String kind, String setting, String message) throws Exception {
        ProcessBuilder pb = kind.equals("env")
                ? launcher(Map.of(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1)))
                : launcher(Map.of(), setting);
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains(message);
    }

    private static int status(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
