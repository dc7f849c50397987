package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example apps as real processes, serving HTTP/1.1 over a real Unix domain socket. */
class ExamplesServeIT {

    @TempDir
    Path dir;

    @Test
    void javaExampleServesHttpOnItsSocket() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        try (ExampleApp app = ExampleApp.start(
                List.of(java, Repo.examples().resolve("java/Example.java").toString()), dir)) {
            assertServesHttpOverTheSocket(app, "example-java");
        }
        assertThat(dir.resolve("app.sock")).as("socket removed on SIGTERM").doesNotExist();
    }

    @Test
    void nodeExampleServesHttpOnItsSocket() throws Exception {
        Assumptions.assumeTrue(onPath("node"),
                "node is not on PATH: the Node.js example cannot run here (install nodejs to test it)");
        try (ExampleApp app = ExampleApp.start(
                List.of("node", Repo.examples().resolve("node/server.js").toString()), dir)) {
            assertServesHttpOverTheSocket(app, "example-node");
        }
        assertThat(dir.resolve("app.sock")).as("socket removed on SIGTERM").doesNotExist();
    }

    static void assertServesHttpOverTheSocket(ExampleApp app, String name) throws Exception {
        // 0660: only the sidecar, which shares the Pod's group, may connect.
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(app.socket())))
                .isEqualTo("rw-rw----");

        String one = app.exchange("GET /hello HTTP/1.1\r\nHost: app\r\n\r\n", 1);
        assertThat(one).startsWith("HTTP/1.1 200 OK\r\n")
                .endsWith("hello from " + name + " over unix, path /hello\n");

        // Keep-alive and a request body: two requests in one write, the first with a body to skip.
        String two = app.exchange("POST /a HTTP/1.1\r\nHost: app\r\nContent-Length: 5\r\n\r\nhello"
                + "GET /b HTTP/1.1\r\nHost: app\r\n\r\n", 2);
        assertThat(two).contains("over unix, path /a\n").endsWith("over unix, path /b\n");
    }

    static boolean onPath(String command) throws Exception {
        Process probe = new ProcessBuilder(command, "--version").redirectErrorStream(true).start();
        try {
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
