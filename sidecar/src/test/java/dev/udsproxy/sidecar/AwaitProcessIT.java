package dev.udsproxy.sidecar;

import static dev.udsproxy.sidecar.ProcessIT.launcher;
import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.contract.AwaitCommandLine;
import dev.udsproxy.sidecar.testing.RunningSidecar;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code await}, the classic-mode postStart hook, as real processes: it returns only once /healthz says 200. */
class AwaitProcessIT {
    @TempDir
    Path dir;

    @Test
    void returnsZeroOnlyOnceTheSidecarStartedLaterAnswersHealthz() throws Exception {
        int admin = RunningSidecar.freePort();
        // The argv the operator puts in the classic-mode postStart hook, after the image's java.
        Process await = launcher(Map.of(), AwaitCommandLine.args(admin).toArray(String[]::new))
                .redirectErrorStream(true).start();
        Thread.sleep(1000);
        assertThat(await.isAlive()).as("await must wait while nothing listens").isTrue();

        Process sidecar = launcher(Map.of(), "--listen", "127.0.0.1:" + RunningSidecar.freePort(),
                "--admin", "127.0.0.1:" + admin, "--upstream", "unix:" + dir.resolve("app.sock"),
                "--socket-dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sidecar.log").toFile()).start();
        try {
            assertThat(await.waitFor(30, TimeUnit.SECONDS)).as("await returned").isTrue();
            String out = new String(await.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(await.exitValue()).as(out).isZero();
            // The hook's promise: the sidecar answers now.
            int status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + admin + "/healthz")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            assertThat(status).isEqualTo(200);
        } finally {
            sidecar.destroy();
            sidecar.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void exitsOneWithAMessageWhenNothingAnswersInTime() throws Exception {
        int admin = RunningSidecar.freePort();
        long started = System.nanoTime();
        Process await = launcher(Map.of(), "await", "--admin", "127.0.0.1:" + admin, "--timeout", "700ms")
                .redirectErrorStream(true).start();
        String out = new String(await.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(await.waitFor(20, TimeUnit.SECONDS)).isTrue();

        assertThat(await.exitValue()).as(out).isEqualTo(1);
        assertThat(out).contains("no 200 from http://127.0.0.1:" + admin + "/healthz within 0.7s")
                .contains("Connection refused");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(15);
    }

    @Test
    void refusesAZeroTimeoutWithExitTwo() throws Exception {
        Process await = launcher(Map.of(), "await", "--timeout", "0s").redirectErrorStream(true).start();
        String out = new String(await.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(await.waitFor(20, TimeUnit.SECONDS)).isTrue();

        assertThat(await.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("invalid --timeout value \"0s\": expected a whole number with unit ms, s, m or h")
                .contains("greater than zero");
    }
}
