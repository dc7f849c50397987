/*
 * A tiny HTTP/1.1 server for udsproxy, plain JDK (21+), one file:
 *
 *   java Example.java                       # listens on $UDSPROXY_SOCKET (set by the injected sidecar)
 *   java Example.java --socket /tmp/app.sock --tcp 127.0.0.1:8081
 *
 * In a Pod it listens only on the Unix domain socket; the udsproxy sidecar owns the TCP port. Without
 * UDSPROXY_SOCKET (a Pod without the sidecar) it listens on TCP 0.0.0.0:8080 instead, so it still serves.
 * --tcp exists for the local demo, which compares "through the sidecar" with "straight at the app".
 *
 *   GET /anything              200 "hello from example-java over unix, path /anything"; with a PROXY
 *                              protocol header (v1 or v2, udsproxy.dev/proxy-protocol) ", client IP:PORT" added
 *   GET /egress/NAME/PATH      GET /PATH through the egress socket in $UDSPROXY_EGRESS_<NAME> (udsproxy.dev/egress);
 *                              200 with the upstream's status line and body, 502 when there is no route or no answer
 *
 * Keep-alive as in HTTP/1.1. A test app: no TLS, no chunked requests.
 */

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

public class Example {
    /** Where the app listens when no sidecar set UDSPROXY_SOCKET: the port the manifests declare. */
    static final String DEFAULT_TCP = "0.0.0.0:8080";
    static final byte[] PROXY_V1 = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    static final byte[] PROXY_V2 = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    static final int EGRESS_TIMEOUT_SECONDS = 10;

    public static void main(String[] args) throws Exception {
        String socket = System.getenv("UDSPROXY_SOCKET");
        String tcp = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--socket" -> socket = value(args, ++i, "--socket");
                case "--tcp" -> tcp = value(args, ++i, "--tcp");
                default -> fail("unknown argument '" + args[i] + "'; allowed: --socket PATH, --tcp HOST:PORT");
            }
        }
        if ((socket == null || socket.isBlank()) && tcp == null) {
            // No sidecar in this Pod (not injected, or the webhook was down): serve the declared port ourselves.
            System.err.println("example-java: UDSPROXY_SOCKET is not set (no udsproxy sidecar), so TCP " + DEFAULT_TCP);
            tcp = DEFAULT_TCP;
        }
        List<ServerSocketChannel> servers = new ArrayList<>();
        try {
            if (socket != null && !socket.isBlank()) {
                servers.add(listenUnix(Path.of(socket)));
            }
            if (tcp != null) {
                servers.add(listenTcp(tcp));
            }
        } catch (IOException | RuntimeException e) {
            fail("cannot listen: " + e);
        }
        for (ServerSocketChannel server : servers) {
            String transport = server.getLocalAddress() instanceof UnixDomainSocketAddress ? "unix" : "tcp";
            Thread.ofPlatform().name("accept " + transport).start(() -> acceptLoop(server, transport));
        }
    }

    static ServerSocketChannel listenUnix(Path path) throws IOException {
        // Bind under a temporary name, set 0660 (the sidecar shares our group; nobody else in the Pod
        // may connect), then rename: the socket appears with its final mode, never world-connectable,
        // and a socket file left by a previous run is replaced.
        Path staging = path.resolveSibling("." + path.getFileName() + ".tmp");
        Files.deleteIfExists(staging);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(staging), 1024);
        Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rw-rw----"));
        Files.move(staging, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // the folder is going away with the Pod anyway
            }
        }));
        System.err.println("example-java: listening on unix:" + path);
        return server;
    }

    static ServerSocketChannel listenTcp(String hostPort) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            fail("--tcp '" + hostPort + "' is not HOST:PORT");
        }
        SocketAddress address = new InetSocketAddress(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1)));
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET);
        server.bind(address, 1024);
        System.err.println("example-java: listening on tcp:" + hostPort);
        return server;
    }

    static void acceptLoop(ServerSocketChannel server, String transport) {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                // One virtual thread per connection: blocking code, no thread pool to size.
                Thread.ofVirtual().start(() -> serve(client, transport));
            } catch (IOException e) {
                System.err.println("example-java: accept failed: " + e);
            }
        }
    }

    static void serve(SocketChannel client, String transport) {
        ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        try (client) {
            String peer = proxyHeader(client, in);
            while (true) {
                int end;
                while ((end = headerEnd(in)) < 0) {
                    if (!in.hasRemaining() || client.read(in) < 0) {
                        return; // peer closed, or a header block larger than we accept
                    }
                }
                String head = new String(in.array(), 0, end, StandardCharsets.ISO_8859_1);
                int consumed = end + 4 + contentLength(head);
                while (in.position() < consumed) {
                    if (client.read(in) < 0) {
                        return;
                    }
                }
                // Keep what belongs to the next pipelined request.
                in.flip().position(consumed);
                in.compact();
                boolean close = head.toLowerCase(Locale.ROOT).contains("\nconnection: close");
                String[] parts = head.substring(0, Math.max(0, head.indexOf('\r'))).split(" ");
                String path = parts.length > 1 ? parts[1] : "/";
                writeAll(client, path.startsWith("/egress/") ? egress(path, close)
                        : response("200 OK", "hello from example-java over " + transport + ", path " + path
                                + (peer == null ? "" : ", client " + peer) + "\n", close));
                if (close) {
                    return;
                }
            }
        } catch (IOException e) {
            // a reset by the client, or a broken PROXY header, ends this connection only
            if (e.getMessage() != null && e.getMessage().startsWith("PROXY")) {
                System.err.println("example-java: closing a connection: " + e.getMessage());
            }
        }
    }

    static ByteBuffer response(String status, String body, boolean close) {
        String head = "HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                + (close ? "Connection: close\r\n" : "") + "\r\n";
        return ByteBuffer.wrap((head + body).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The PROXY protocol header the sidecar sends first when udsproxy.dev/proxy-protocol is v1 or v2: the
     * client's address as "IP:PORT" ("[IP]:PORT" for IPv6), "unknown" when the header names none, null when
     * the connection starts without a header. The bytes after the header stay in {@code in}.
     */
    static String proxyHeader(SocketChannel client, ByteBuffer in) throws IOException {
        while (true) {
            int v1 = startsWith(in, PROXY_V1);
            int v2 = startsWith(in, PROXY_V2);
            if (v1 > 0) {
                return proxyV1(client, in);
            }
            if (v2 > 0) {
                return proxyV2(client, in);
            }
            // Too few bytes to tell "PROXY " from "POST /": read on. Neither: a plain HTTP request.
            if ((v1 < 0 && v2 < 0) || client.read(in) < 0) {
                return null;
            }
        }
    }

    /** "PROXY TCP4 10.244.0.7 10.244.0.9 51234 8080\r\n" (at most 107 bytes, the spec's limit). */
    static String proxyV1(SocketChannel client, ByteBuffer in) throws IOException {
        int end;
        while ((end = indexOfCrlf(in)) < 0) {
            if (in.position() > 107 || client.read(in) < 0) {
                throw new IOException("PROXY v1 header without CRLF within 107 bytes");
            }
        }
        String[] f = new String(in.array(), 0, end, StandardCharsets.US_ASCII).split(" ");
        consume(in, end + 2);
        return switch (f[1]) {
            case "TCP4" -> f[2] + ":" + f[4];
            case "TCP6" -> "[" + f[2] + "]:" + f[4];
            default -> "unknown"; // "PROXY UNKNOWN": the sidecar could not tell
        };
    }

    /** 12-byte signature, version/command, family, length, then the addresses (binary, network order). */
    static String proxyV2(SocketChannel client, ByteBuffer in) throws IOException {
        while (in.position() < 16 || in.position() < 16 + (in.getShort(14) & 0xffff)) {
            if (!in.hasRemaining() || client.read(in) < 0) {
                throw new IOException("PROXY v2 header cut short");
            }
        }
        int versionCommand = in.get(12) & 0xff;
        int family = (in.get(13) & 0xff) >> 4;
        int length = 16 + (in.getShort(14) & 0xffff);
        if (versionCommand >> 4 != 2) {
            throw new IOException("PROXY v2 header with version " + (versionCommand >> 4));
        }
        String peer = "unknown"; // LOCAL (the proxy's own connection) or a family we do not know
        if ((versionCommand & 0x0f) == 1 && family == 1) {
            peer = (in.get(16) & 0xff) + "." + (in.get(17) & 0xff) + "." + (in.get(18) & 0xff) + "."
                    + (in.get(19) & 0xff) + ":" + (in.getShort(24) & 0xffff);
        } else if ((versionCommand & 0x0f) == 1 && family == 2) {
            StringBuilder ip = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                ip.append(i == 0 ? "" : ":").append(Integer.toHexString(in.getShort(16 + 2 * i) & 0xffff));
            }
            peer = "[" + ip + "]:" + (in.getShort(48) & 0xffff);
        }
        consume(in, length);
        return peer;
    }

    /** 1: {@code in} starts with {@code prefix}; 0: it holds fewer bytes, all matching; -1: it does not. */
    static int startsWith(ByteBuffer in, byte[] prefix) {
        for (int i = 0; i < Math.min(in.position(), prefix.length); i++) {
            if (in.get(i) != prefix[i]) {
                return -1;
            }
        }
        return in.position() >= prefix.length ? 1 : 0;
    }

    static int indexOfCrlf(ByteBuffer in) {
        for (int i = 0; i + 1 < in.position(); i++) {
            if (in.get(i) == '\r' && in.get(i + 1) == '\n') {
                return i;
            }
        }
        return -1;
    }

    static void consume(ByteBuffer in, int bytes) {
        in.flip().position(bytes);
        in.compact();
    }

    /**
     * GET /egress/NAME/PATH: GET /PATH to the TCP service behind the route NAME, through the socket the
     * sidecar listens on for it. The env name is the injector's: UDSPROXY_EGRESS_ + NAME upper-cased, '-' as '_'.
     */
    static ByteBuffer egress(String path, boolean close) {
        String rest = path.substring("/egress/".length());
        String name = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        String upstreamPath = rest.substring(name.length()).isEmpty() ? "/" : rest.substring(name.length());
        String env = "UDSPROXY_EGRESS_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
        String socket = System.getenv(env);
        if (socket == null || socket.isBlank()) {
            return response("502 Bad Gateway", "egress " + name + ": " + env + " is not set: the Pod has no"
                    + " udsproxy.dev/egress route named " + name + "\n", close);
        }
        SocketChannel upstream;
        try {
            upstream = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            return response("502 Bad Gateway", "egress " + name + ": cannot connect to unix:" + socket + ": " + e
                    + "\n", close);
        }
        // A channel read has no timeout of its own: closing the channel ends a read that waits too long.
        CompletableFuture<Void> deadline = CompletableFuture.runAsync(() -> closeQuietly(upstream),
                CompletableFuture.delayedExecutor(EGRESS_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        byte[] answer;
        try (upstream) {
            writeAll(upstream, ByteBuffer.wrap(("GET " + upstreamPath + " HTTP/1.1\r\nHost: " + name
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)));
            answer = Channels.newInputStream(upstream).readAllBytes();
        } catch (AsynchronousCloseException e) {
            return response("504 Gateway Timeout", "egress " + name + ": no answer from unix:" + socket + " within "
                    + EGRESS_TIMEOUT_SECONDS + " s\n", close);
        } catch (IOException e) {
            // The sidecar resets the socket when it cannot reach the service.
            return response("502 Bad Gateway", "egress " + name + ": no HTTP answer through unix:" + socket + " (" + e
                    + "; is the service up?)\n", close);
        } finally {
            deadline.cancel(false);
        }
        String text = new String(answer, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/") || headEnd < 0) {
            // The sidecar closes the socket without a byte when it cannot reach the service.
            return response("502 Bad Gateway", "egress " + name + ": no HTTP answer through unix:" + socket + " ("
                    + answer.length + " bytes; is the service up?)\n", close);
        }
        String head = text.substring(0, headEnd);
        String body = text.substring(headEnd + 4);
        if (head.toLowerCase(Locale.ROOT).contains("\ntransfer-encoding: chunked")) {
            body = dechunk(body);
        }
        String statusLine = head.contains("\r\n") ? head.substring(0, head.indexOf("\r\n")) : head;
        // Parsed as bytes (ISO-8859-1, chunk sizes count bytes); the body goes on as the UTF-8 it most likely is.
        return response("200 OK", statusLine + "\n" + new String(body.getBytes(StandardCharsets.ISO_8859_1),
                StandardCharsets.UTF_8), close);
    }

    /** Transfer-Encoding: chunked, as HTTP/1.1 servers may answer: hex size CRLF, data CRLF, ..., 0 CRLF. */
    static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = lineEnd < 0 ? 0 : Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0 || lineEnd + 2 + size > chunked.length()) {
                return body.toString();
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }

    static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    static int headerEnd(ByteBuffer in) {
        byte[] a = in.array();
        for (int i = 0; i + 3 < in.position(); i++) {
            if (a[i] == '\r' && a[i + 1] == '\n' && a[i + 2] == '\r' && a[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return 0;
    }

    static void writeAll(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            fail(flag + " needs a value");
        }
        return args[i];
    }

    static void fail(String message) {
        System.err.println("example-java: " + message);
        System.exit(2);
    }
}
