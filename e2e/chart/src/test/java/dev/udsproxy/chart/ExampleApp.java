package dev.udsproxy.chart;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One example app started as a real process on a socket in a temp folder, stopped with SIGTERM. */
final class ExampleApp implements AutoCloseable {

    private final Process process;
    private final Path socket;
    private final Path log;

    private ExampleApp(Process process, Path socket, Path log) {
        this.process = process;
        this.socket = socket;
        this.log = log;
    }

    /** Starts {@code command}, with UDSPROXY_SOCKET set as the sidecar sets it, and waits for the socket. */
    static ExampleApp start(List<String> command, Path dir) throws IOException, InterruptedException {
        return start(command, dir, java.util.Map.of());
    }

    /** The same, with more env (UDSPROXY_EGRESS_<NAME>, as the injector sets one per route). */
    static ExampleApp start(List<String> command, Path dir, java.util.Map<String, String> env)
            throws IOException, InterruptedException {
        Path socket = dir.resolve("app.sock");
        Path log = dir.resolve("app.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("UDSPROXY_SOCKET", socket.toString());
        builder.environment().putAll(env);
        ExampleApp app = new ExampleApp(builder.start(), socket, log);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(socket)) {
            if (!app.process.isAlive() || System.nanoTime() > deadline) {
                app.close();
                throw new AssertionError("the example never created " + socket + "; its output:\n" + app.output());
            }
            Thread.sleep(50);
        }
        return app;
    }

    Path socket() {
        return socket;
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    /** Sends {@code requests} as one write on one connection and reads until {@code responses} are complete. */
    String exchange(String requests, int responses) throws IOException {
        return exchange(requests.getBytes(StandardCharsets.US_ASCII), responses);
    }

    /** The same with raw bytes first (a binary PROXY v2 header). */
    String exchange(byte[] requests, int responses) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(requests));
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            String text = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (completeResponses(text) < responses) {
                if (System.nanoTime() > deadline || channel.read(buffer) < 0) {
                    throw new AssertionError("incomplete answer after " + responses + " request(s): " + text);
                }
                text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            }
            return text;
        }
    }

    /** Counts responses whose whole Content-Length body has arrived. */
    static int completeResponses(String text) {
        int count = 0;
        int at = 0;
        while (true) {
            int head = text.indexOf("\r\n\r\n", at);
            if (head < 0) {
                return count;
            }
            String headers = text.substring(at, head).toLowerCase(java.util.Locale.ROOT);
            int cl = headers.indexOf("content-length:");
            int end = headers.indexOf("\r\n", cl);
            int length = Integer.parseInt(headers.substring(cl + 15, end < 0 ? headers.length() : end).trim());
            if (text.length() < head + 4 + length) {
                return count;
            }
            count++;
            at = head + 4 + length;
        }
    }

    /** Same as the kubelet: SIGTERM, then give the app a moment to remove its socket. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
