package dev.udsproxy.podonhost;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.Assumptions;

/** What a test does to a running Pod from the outside: wait on probes, call it over TCP or a socket. */
final class PodChecks {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PodChecks() {
    }

    static void awaitProbe(HostPod pod, String container, Function<Container, Probe> which, Duration budget)
            throws InterruptedException {
        awaitProbe(pod, container, which, budget, true);
    }

    /**
     * Polls a probe until it gives {@code expected}, within the budget the kubelet would allow. It polls
     * faster than the probe's periodSeconds: the budget is the kubelet's, the test need not be as slow.
     */
    static void awaitProbe(HostPod pod, String container, Function<Container, Probe> which, Duration budget,
            boolean expected) throws InterruptedException {
        AtomicReference<KubeletProbe.Result> last = new AtomicReference<>();
        try {
            await().atMost(budget).pollInterval(Duration.ofMillis(200))
                    .failFast("container " + container + " exited", () -> pod.exited(container))
                    .until(() -> {
                        KubeletProbe.Result result = pod.probe(container, which);
                        last.set(result);
                        return result.success() == expected;
                    });
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError("the probe of " + container + " was not " + (expected ? "successful" : "failing")
                    + " within " + budget + " (" + e.getMessage() + "); last result: " + last.get() + "\n"
                    + pod.logs(), e);
        }
    }

    /** GET over plain TCP on loopback; the body of a 200, anything else fails. */
    static String httpGet(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " on port " + port + " answered " + response.statusCode()
                    + ": " + response.body());
        }
        return response.body();
    }

    /** Whether anything answers HTTP on a loopback port (any status): the sidecar's admin server is up. */
    static boolean adminAnswers(int port) throws InterruptedException {
        try {
            HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                    .timeout(Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** One line to a Unix domain socket, one line back. */
    static String unixLine(Path socket, String line) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            var in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                    StandardCharsets.UTF_8));
            return in.readLine();
        }
    }

    /** A skip that says why on the console too: surefire's summary only counts skips. */
    static void skipIf(boolean condition, String why) {
        if (condition) {
            System.err.println("SKIPPED: " + why);
        }
        Assumptions.assumeFalse(condition, why);
    }

    static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
