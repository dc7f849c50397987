package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example apps as real processes, serving HTTP/1.1 over a real Unix domain socket: the PROXY protocol
 * header in front of a request, and egress through a route's socket. (Behind the real sidecar, and on TCP
 * without it: e2e/pod-on-host ExampleAppsPodIT.)
 */
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
        try (ExampleApp app = ExampleApp.start(command("node"), dir)) {
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

    @ParameterizedTest(name = "examples/{0}")
    @ValueSource(strings = {"java", "node"})
    void proxyProtocolHeaderPutsTheClientIntoTheAnswer(String language) throws Exception {
        try (ExampleApp app = ExampleApp.start(command(language), dir)) {
            String hello = "hello from example-" + language + " over unix, path /who";
            String get = "GET /who HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n";
            // v1, as the sidecar writes it for udsproxy.dev/proxy-protocol: v1.
            assertThat(app.exchange("PROXY TCP4 10.244.0.7 10.244.0.9 51234 8080\r\n" + get, 1))
                    .endsWith(hello + ", client 10.244.0.7:51234\n");
            assertThat(app.exchange("PROXY TCP6 fd00::7 fd00::9 51234 8080\r\n" + get, 1))
                    .endsWith(hello + ", client [fd00::7]:51234\n");
            assertThat(app.exchange("PROXY UNKNOWN\r\n" + get, 1)).endsWith(hello + ", client unknown\n");
            // v2: binary, with a TLV after the addresses that the app must skip.
            ByteBuffer v2 = ByteBuffer.allocate(16 + 12 + 4 + get.length());
            v2.put(PROXY_V2_SIGNATURE).put((byte) 0x21).put((byte) 0x11).putShort((short) (12 + 4))
                    .put(new byte[] {10, (byte) 244, 0, 7, 10, (byte) 244, 0, 9}).putShort((short) 51234)
                    .putShort((short) 8080).put(new byte[] {0x04, 0x00, 0x01, 0x00})
                    .put(get.getBytes(StandardCharsets.US_ASCII));
            assertThat(app.exchange(v2.array(), 1)).endsWith(hello + ", client 10.244.0.7:51234\n");
            // No header: the answer as ever, so that tests and the README without PROXY protocol keep theirs.
            assertThat(app.exchange(get, 1)).endsWith(hello + "\n");
            // The header counts for the whole connection, keep-alive included.
            assertThat(app.exchange("PROXY TCP4 1.2.3.4 5.6.7.8 1111 80\r\nGET /a HTTP/1.1\r\nHost: app\r\n\r\n"
                    + "GET /b HTTP/1.1\r\nHost: app\r\n\r\n", 2))
                    .contains("path /a, client 1.2.3.4:1111\n").endsWith("path /b, client 1.2.3.4:1111\n");
        }
    }

    @ParameterizedTest(name = "examples/{0}")
    @ValueSource(strings = {"java", "node"})
    void egressAsksTheServiceThroughTheRoutesSocket(String language) throws Exception {
        // The sidecar's egress socket, played by an HTTP server on a socket file; UDSPROXY_EGRESS_MY_STORE as
        // the injector names the env of the route "my-store".
        Path route = dir.resolve("my-store.sock");
        Path silentRoute = dir.resolve("silent.sock");
        try (UnixHttpServer upstream = new UnixHttpServer(route);
             // Connects (the backlog takes it) and never answers: a service that hangs.
             ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                     .bind(UnixDomainSocketAddress.of(silentRoute));
             ExampleApp app = ExampleApp.start(command(language), dir, Map.of("UDSPROXY_EGRESS_MY_STORE",
                     route.toString(), "UDSPROXY_EGRESS_GONE", dir.resolve("gone.sock").toString(),
                     "UDSPROXY_EGRESS_SILENT", silentRoute.toString()))) {
            String ok = app.exchange("GET /egress/my-store/items?id=7 HTTP/1.1\r\nHost: app\r\n\r\n", 1);
            assertThat(ok).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nHTTP/1.1 200 OK\nupstream got /items?id=7\n");
            assertThat(upstream.requests()).hasSize(1);
            assertThat(upstream.requests().get(0)).startsWith("GET /items?id=7 HTTP/1.1\r\n")
                    .containsIgnoringCase("\r\nConnection: close\r\n");

            String noRoute = app.exchange("GET /egress/redis/x HTTP/1.1\r\nHost: app\r\n\r\n", 1);
            assertThat(noRoute).startsWith("HTTP/1.1 502 Bad Gateway\r\n").endsWith("egress redis:"
                    + " UDSPROXY_EGRESS_REDIS is not set: the Pod has no udsproxy.dev/egress route named redis\n");
            String gone = app.exchange("GET /egress/gone/x HTTP/1.1\r\nHost: app\r\n\r\n", 1);
            assertThat(gone).startsWith("HTTP/1.1 502 Bad Gateway\r\n")
                    .contains("egress gone: cannot connect to unix:" + dir.resolve("gone.sock"));
            String hung = app.exchange("GET /egress/silent/x HTTP/1.1\r\nHost: app\r\n\r\n", 1);
            assertThat(hung).startsWith("HTTP/1.1 504 Gateway Timeout\r\n")
                    .endsWith("egress silent: no answer from unix:" + silentRoute + " within 10 s\n");
        }
    }

    static final byte[] PROXY_V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    /** The example's command run from the repository's file, as the demo and a developer run it. */
    static List<String> command(String language) throws Exception {
        if (language.equals("node")) {
            skipIf(!onPath("node"), "node is not on PATH: the Node.js example cannot run here (install nodejs to test it)");
            return List.of("node", Repo.examples().resolve("node/server.js").toString());
        }
        return List.of(ProcessHandle.current().info().command().orElse("java"),
                Repo.examples().resolve("java/Example.java").toString());
    }

    /** A skip that says why on the console too: surefire's summary only counts skips. */
    static void skipIf(boolean condition, String why) {
        if (condition) {
            System.err.println("SKIPPED: " + why);
        }
        Assumptions.assumeFalse(condition, why);
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
