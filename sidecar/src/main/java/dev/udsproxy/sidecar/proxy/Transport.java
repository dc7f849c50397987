package dev.udsproxy.sidecar.proxy;

import dev.udsproxy.sidecar.config.TransportKind;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/** The channel classes and event loops of one transport: native epoll, or the JDK's NIO (domain sockets since 16). */
public record Transport(
        String name,
        IoHandlerFactory ioHandlerFactory,
        Class<? extends ServerChannel> tcpServer,
        Class<? extends Channel> tcpClient,
        Class<? extends ServerChannel> unixServer,
        Class<? extends Channel> unixClient,
        boolean epoll) {

    public static Transport select(TransportKind kind) {
        boolean useEpoll = switch (kind) {
            case NIO -> false;
            case AUTO -> Epoll.isAvailable();
            case EPOLL -> {
                Epoll.ensureAvailability();
                yield true;
            }
        };
        if (useEpoll) {
            return new Transport("epoll", new EpollRegistrationGuard(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class, EpollServerDomainSocketChannel.class, EpollDomainSocketChannel.class, true);
        }
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class,
                NioServerDomainSocketChannel.class, NioDomainSocketChannel.class, false);
    }

    /** Why NIO was chosen under AUTO, for the start-up line; null when epoll is in use. */
    public String fallbackReason() {
        return epoll ? null : String.valueOf(Epoll.unavailabilityCause());
    }

    /**
     * Whether channels of this kind keep reading-closed connections open for writing. Netty 4.2's NIO domain
     * sockets do not (AbstractNioByteChannel honours half-closure only for TCP), so with the NIO fallback an EOF
     * from a socket-file peer ends the whole link, after what is queued is written.
     */
    public boolean halfClosure(Class<?> channelClass) {
        return epoll || !(channelClass == unixServer || channelClass == unixClient);
    }

    public EventLoopGroup newEventLoopGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("udsproxy-io", true), ioHandlerFactory);
    }

    public SocketAddress unixAddress(Path path) {
        return epoll ? new DomainSocketAddress(path.toString()) : UnixDomainSocketAddress.of(path);
    }
}
