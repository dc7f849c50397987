package dev.udsproxy.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.udsproxy.sidecar.proxy.UpstreamFailureLog;
import dev.udsproxy.sidecar.testing.Conversations;
import dev.udsproxy.sidecar.testing.RunningSidecar;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar as a child process, no app behind it: every failed upstream connection is logged with its reason,
 * but at most {@link UpstreamFailureLog#MAX_LINES_PER_WINDOW} lines per window and reason, the rest as one
 * "suppressed K" summary; in json mode every line of the process is one JSON object.
 */
class LogsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int INBOUND_CLIENTS = 40;
    private static final int EGRESS_CLIENTS = 12;

    @TempDir
    Path dir;

    @Test
    void jsonLinesForAbsentAppAndRefusedEgressAreBoundedAndAddUp() throws Exception {
        int port = RunningSidecar.freePort();
        int closedPort = RunningSidecar.freePort(); // nobody listens there: egress connects are refused
        Path log = dir.resolve("sidecar.log");
        Process p = ProcessIT.launcher(Map.of("UDSPROXY_LOG_FORMAT", "json"),
                "--listen", "127.0.0.1:" + port, "--admin", "127.0.0.1:" + RunningSidecar.freePort(),
                "--upstream", "unix:" + dir.resolve("app.sock"), "--socket-dir", dir.toString(),
                "--egress", "db=127.0.0.1:" + closedPort, "--connect-timeout", "50ms", "--shutdown-grace", "0s")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(log).contains("listening on"));
            long first = System.nanoTime();
            List<SocketChannel> clients = new ArrayList<>();
            for (int i = 0; i < INBOUND_CLIENTS; i++) {
                clients.add(SocketChannel.open(new InetSocketAddress("127.0.0.1", port)));
            }
            for (int i = 0; i < EGRESS_CLIENTS; i++) {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(dir.resolve("egress/db.sock")));
                clients.add(ch);
            }
            for (SocketChannel ch : clients) {
                Conversations.assertEnded(ch);
                ch.close();
            }
            double windowsSpanned = Math.floor((System.nanoTime() - first) / 1e9 / UpstreamFailureLog.WINDOW_SECONDS) + 1;

            // Every failure is either a line or counted in a summary, once the window's summary is out.
            await().atMost(Duration.ofSeconds(3 * UpstreamFailureLog.WINDOW_SECONDS)).untilAsserted(() -> {
                assertThat(accounted(lines(log), "inbound")).isEqualTo(INBOUND_CLIENTS);
                assertThat(accounted(lines(log), "egress")).isEqualTo(EGRESS_CLIENTS);
            });

            List<JsonNode> lines = lines(log);
            for (JsonNode line : lines) {
                assertThat(line.fieldNames()).toIterable().contains("time", "level", "logger", "message");
            }
            List<JsonNode> inbound = failures(lines, "inbound");
            assertThat(inbound).isNotEmpty()
                    .hasSizeLessThanOrEqualTo((int) (UpstreamFailureLog.MAX_LINES_PER_WINDOW * windowsSpanned));
            assertThat(inbound.get(0).get("reason").asText()).isEqualTo("absent");
            assertThat(inbound.get(0).get("upstream").asText()).endsWith("app.sock");
            assertThat(inbound.get(0).get("peer").asText()).startsWith("127.0.0.1:");
            // epoll: a FileNotFoundException without a message; NIO: "No such file or directory".
            assertThat(inbound.get(0).get("error").asText()).matches("(?i).*(no such file|FileNotFoundException).*");
            List<JsonNode> egress = failures(lines, "egress");
            assertThat(egress).isNotEmpty()
                    .hasSizeLessThanOrEqualTo((int) (UpstreamFailureLog.MAX_LINES_PER_WINDOW * windowsSpanned));
            assertThat(egress.get(0).get("reason").asText()).isEqualTo("refused");
            assertThat(egress.get(0).get("upstream").asText()).isEqualTo("127.0.0.1:" + closedPort);
            assertThat(lines).anySatisfy(l -> assertThat(l.get("message").asText()).startsWith("suppressed "));
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    @Test
    void textLinesNameTheReason() throws Exception {
        int port = RunningSidecar.freePort();
        Path log = dir.resolve("sidecar.log");
        Process p = ProcessIT.launcher(Map.of(),
                "--listen", "127.0.0.1:" + port, "--admin", "127.0.0.1:" + RunningSidecar.freePort(),
                "--upstream", "unix:" + dir.resolve("app.sock"), "--socket-dir", dir.toString(),
                "--connect-timeout", "50ms", "--shutdown-grace", "0s")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(log).contains("listening on"));
            for (int i = 0; i < 2; i++) {
                try (SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                    Conversations.assertEnded(ch);
                }
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Files.readAllLines(log))
                    .filteredOn(l -> l.contains("upstream connection failed")).hasSize(2)
                    .allSatisfy(l -> assertThat(l).startsWith("udsproxy-sidecar: WARN ")
                            .contains(" direction=inbound ", " reason=absent ", " attempts=")));
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    /** Failure lines written plus failures counted in summaries, for one direction. */
    private static long accounted(List<JsonNode> lines, String direction) {
        long suppressed = lines.stream()
                .filter(l -> l.get("message").asText().startsWith("suppressed "))
                .filter(l -> direction.equals(l.path("direction").asText()))
                .mapToLong(l -> l.get("suppressed").asLong()).sum();
        return failures(lines, direction).size() + suppressed;
    }

    private static List<JsonNode> failures(List<JsonNode> lines, String direction) {
        return lines.stream()
                .filter(l -> "upstream connection failed; client closed".equals(l.get("message").asText()))
                .filter(l -> direction.equals(l.path("direction").asText()))
                .toList();
    }

    /** Every line of the process's output, each parsed as one JSON object (fails on a line that is not). */
    private static List<JsonNode> lines(Path log) throws IOException {
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.isEmpty()) {
                continue;
            }
            JsonNode node = JSON.readTree(line);
            assertThat(node.isObject()).as("one JSON object per line: %s", line).isTrue();
            parsed.add(node);
        }
        return parsed;
    }
}
