/*
 * A tiny HTTP/1.1 server for udsproxy, plain JDK (21+), one file:
 *
 *   java Example.java                       # listens on $UDSPROXY_SOCKET (set by the injected sidecar)
 *   java Example.java --socket /tmp/app.sock --tcp 127.0.0.1:8081
 *
 * In a Pod it listens only on the Unix domain socket; the udsproxy sidecar owns the TCP port.
 * --tcp exists for the local demo, which compares "through the sidecar" with "straight at the app".
 * GET /anything answers 200 with a short text body; keep-alive as in HTTP/1.1.
 */

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

public class Example {

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
            fail("no address: set UDSPROXY_SOCKET (the udsproxy sidecar injects it) or pass --socket PATH / --tcp HOST:PORT");
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
                writeAll(client, response(head.substring(0, Math.max(0, head.indexOf('\r'))), transport, close));
                if (close) {
                    return;
                }
            }
        } catch (IOException e) {
            // a reset by the client ends this connection only
        }
    }

    static ByteBuffer response(String requestLine, String transport, boolean close) {
        String[] parts = requestLine.split(" ");
        String path = parts.length > 1 ? parts[1] : "/";
        String body = "hello from example-java over " + transport + ", path " + path + "\n";
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                + (close ? "Connection: close\r\n" : "") + "\r\n";
        return ByteBuffer.wrap((head + body).getBytes(StandardCharsets.UTF_8));
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
