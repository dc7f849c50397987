package dev.udsproxy.podonhost;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** An app that listens on a socket file and answers each line it reads with "app got <line>". */
final class UnixLineServer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Path path;

    UnixLineServer(Path path) throws IOException {
        this.path = path;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Thread.ofVirtual().start(this::acceptLoop);
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

    private static void serve(SocketChannel client) {
        try (client) {
            var in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                client.write(ByteBuffer.wrap(("app got " + line + "\n").getBytes(StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            // the sidecar closed this link: this connection only
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(path);
    }
}
