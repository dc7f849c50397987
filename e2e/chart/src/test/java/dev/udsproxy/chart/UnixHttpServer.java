package dev.udsproxy.chart;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP/1.1 service on a socket file, standing in for the sidecar's egress socket and the service behind it:
 * keeps each request's head, answers "upstream got PATH" and closes, as asked by Connection: close.
 */
final class UnixHttpServer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Path path;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    UnixHttpServer(Path path) throws IOException {
        this.path = path;
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Thread.ofVirtual().start(this::acceptLoop);
    }

    /** The request heads, up to the blank line, in arrival order. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            ByteBuffer in = ByteBuffer.allocate(16 * 1024);
            String head;
            while (!(head = new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1)).contains("\r\n\r\n")) {
                if (client.read(in) < 0) {
                    return;
                }
            }
            head = head.substring(0, head.indexOf("\r\n\r\n") + 2);
            requests.add(head);
            String target = head.split(" ")[1];
            String body = "upstream got " + target + "\n";
            client.write(ByteBuffer.wrap(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            // the app went away: this connection only
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(path);
    }
}
