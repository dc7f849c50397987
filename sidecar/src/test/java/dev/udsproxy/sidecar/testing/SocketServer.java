package dev.udsproxy.sidecar.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A real blocking server (UDS or TCP) with one virtual thread per connection; stands in for the app or a service. */
public final class SocketServer implements AutoCloseable {
    /** What the server does with one accepted connection. */
    @FunctionalInterface
    public interface Conversation {
        void run(SocketChannel ch) throws IOException;
    }

    private final ServerSocketChannel server;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Path path;

    private SocketServer(ServerSocketChannel server, Path path, Conversation conversation) {
        this.server = server;
        this.path = path;
        Thread.ofVirtual().start(() -> acceptLoop(conversation));
    }

    public static SocketServer unix(Path path, Conversation conversation) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(path), 4096);
        return new SocketServer(s, path, conversation);
    }

    public static SocketServer tcp(Conversation conversation) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        return new SocketServer(s, null, conversation);
    }

    private void acceptLoop(Conversation conversation) {
        while (server.isOpen()) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            open.add(ch);
            Thread.ofVirtual().start(() -> {
                try (ch) {
                    conversation.run(ch);
                } catch (IOException e) {
                    // the peer went away: that is the peer's test to judge
                } finally {
                    open.remove(ch);
                }
            });
        }
    }

    public int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    public SocketAddress address() throws IOException {
        return server.getLocalAddress();
    }

    public int accepted() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (SocketChannel ch : open) {
            ch.close();
        }
        if (path != null) {
            Files.deleteIfExists(path);
        }
    }
}
