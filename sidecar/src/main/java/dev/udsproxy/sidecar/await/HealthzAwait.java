package dev.udsproxy.sidecar.await;

import dev.udsproxy.contract.AdminPaths;
import dev.udsproxy.sidecar.config.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Polls GET /healthz until 200. Plain blocking sockets and HTTP/1.0: the hook's JVM lives for a moment, and
 * loading an HTTP client (or Netty) would cost more start time than the whole wait usually takes.
 */
public final class HealthzAwait {
    private static final Duration POLL = Duration.ofMillis(100);

    private HealthzAwait() {
    }

    /** @return null once /healthz answered 200, else the last answer or error, for the message */
    public static String await(HostPort admin, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no attempt";
        while (true) {
            last = statusLine(admin, remainingMillis(deadline));
            if (last.contains(" 200 ") || last.endsWith(" 200")) {
                return null;
            }
            if (System.nanoTime() + POLL.toNanos() >= deadline) {
                return last;
            }
            Thread.sleep(POLL);
        }
    }

    private static int remainingMillis(long deadline) {
        long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
        return (int) Math.max(1, Math.min(left, 1000));
    }

    private static String statusLine(HostPort admin, int timeoutMillis) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(admin.host(), admin.port()), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + AdminPaths.HEALTHZ + " HTTP/1.0\r\nHost: " + admin + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return firstLine(s.getInputStream());
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String firstLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n' && line.length() < 200; b = in.read()) {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.isEmpty() ? "empty answer" : line.toString();
    }
}
