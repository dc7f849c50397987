package dev.udsproxy.sidecar.testing;

import dev.udsproxy.contract.Setting;
import dev.udsproxy.sidecar.Sidecar;
import dev.udsproxy.sidecar.config.AppUpstream;
import dev.udsproxy.sidecar.config.SidecarConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A sidecar started in the test JVM on free loopback ports, with the app socket in a temp folder. */
public final class RunningSidecar implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public final Sidecar sidecar;
    public final Path socketDir;
    public final Path appSocket;

    private RunningSidecar(Sidecar sidecar, Path socketDir, Path appSocket) {
        this.sidecar = sidecar;
        this.socketDir = socketDir;
        this.appSocket = appSocket;
    }

    /** Default settings for a test; callers override single entries. */
    public static Map<Setting, String> settings(Path socketDir) throws IOException {
        Map<Setting, String> raw = new EnumMap<>(Setting.class);
        raw.put(Setting.LISTEN, "127.0.0.1:" + freePort());
        raw.put(Setting.ADMIN, "127.0.0.1:" + freePort());
        raw.put(Setting.UPSTREAM, "unix:" + socketDir.resolve("app.sock"));
        raw.put(Setting.EGRESS, "");
        raw.put(Setting.SOCKET_DIR, socketDir.toString());
        raw.put(Setting.PROXY_PROTOCOL, "off");
        raw.put(Setting.CONNECT_TIMEOUT, "2s");
        raw.put(Setting.IDLE_TIMEOUT, "0s");
        raw.put(Setting.SHUTDOWN_GRACE, "0s");
        raw.put(Setting.DRAIN_TIMEOUT, "1s");
        raw.put(Setting.MAX_CONNECTIONS, "10000");
        raw.put(Setting.IO_THREADS, "1");
        raw.put(Setting.TRANSPORT, itTransport());
        raw.put(Setting.ADMIN_SHUTDOWN, "loopback");
        raw.put(Setting.LOG_FORMAT, "text");
        raw.put(Setting.BACKLOG, "4096");
        return raw;
    }

    /**
     * The transport this run of the real-socket tier is for: the pom runs the ITs once per transport
     * (udsproxy.it.transport = auto, epoll, nio, io_uring), so every behaviour is checked on each.
     */
    public static String itTransport() {
        return System.getProperty("udsproxy.it.transport", "auto");
    }

    public static RunningSidecar start(Path socketDir, Map<Setting, String> raw) throws Exception {
        SidecarConfig config = SidecarConfig.parse(raw);
        return new RunningSidecar(Sidecar.start(config), socketDir, config.upstream() instanceof AppUpstream.Unix u ? u.path() : null);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public SocketChannel connect() throws IOException {
        SocketChannel ch = SocketChannel.open(sidecar.listenAddress());
        ch.socket().setTcpNoDelay(true);
        return ch;
    }

    public HttpResponse<String> admin(String path) throws IOException, InterruptedException {
        InetSocketAddress a = sidecar.adminAddress();
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** One sample from /metrics, e.g. metric("udsproxy_connections_total", "inbound"). */
    public double metric(String name, String direction) throws IOException, InterruptedException {
        String text = admin("/metrics").body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{direction=\"" + direction
                + "\"[^}]*} (\\S+)$").matcher(text);
        if (!m.find()) {
            throw new AssertionError("no sample " + name + "{direction=" + direction + "} in\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    /** The value of one whole series, e.g. {@code udsproxy_bytes_total{direction="inbound",towards="upstream"}}. */
    public double series(String series) throws IOException, InterruptedException {
        String text = admin("/metrics").body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        if (!m.find()) {
            throw new AssertionError("no series " + series + " in\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    @Override
    public void close() {
        sidecar.stopNow();
    }
}
