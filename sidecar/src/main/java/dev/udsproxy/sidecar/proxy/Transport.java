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
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * The channel classes and event loops of one transport: io_uring, native epoll, or the JDK's NIO (domain sockets
 * since 16), with the reason it was chosen (for the start-up line).
 */
public record Transport(
        TransportKind kind,
        String why,
        IoHandlerFactory ioHandlerFactory,
        Class<? extends ServerChannel> tcpServer,
        Class<? extends Channel> tcpClient,
        Class<? extends ServerChannel> unixServer,
        Class<? extends Channel> unixClient) {

    /** @throws UnsatisfiedLinkError (Netty's) when the transport asked for by name is not available here */
    public static Transport select(TransportKind asked) {
        return switch (asked) {
            case IO_URING -> {
                IoUring.ensureAvailability();
                yield ioUring("asked for");
            }
            case EPOLL -> {
                Epoll.ensureAvailability();
                yield epoll("asked for");
            }
            case NIO -> nio("asked for");
            case AUTO -> {
                if (IoUring.isAvailable()) {
                    yield ioUring("auto: the kernel and the seccomp profile allow io_uring");
                }
                String noUring = "io_uring unavailable: " + IoUring.unavailabilityCause();
                if (Epoll.isAvailable()) {
                    yield epoll("auto: " + noUring);
                }
                yield nio("auto: " + noUring + "; epoll unavailable: " + Epoll.unavailabilityCause());
            }
        };
    }

    private static Transport ioUring(String why) {
        return new Transport(TransportKind.IO_URING, why, IoUringIoHandler.newFactory(),
                IoUringServerSocketChannel.class, IoUringSocketChannel.class, IoUringServerDomainSocketChannel.class,
                IoUringDomainSocketChannel.class);
    }

    private static Transport epoll(String why) {
        return new Transport(TransportKind.EPOLL, why, new EpollRegistrationGuard(), EpollServerSocketChannel.class,
                EpollSocketChannel.class, EpollServerDomainSocketChannel.class, EpollDomainSocketChannel.class);
    }

    private static Transport nio(String why) {
        return new Transport(TransportKind.NIO, why, NioIoHandler.newFactory(), NioServerSocketChannel.class,
                NioSocketChannel.class, NioServerDomainSocketChannel.class, NioDomainSocketChannel.class);
    }

    public String name() {
        return kind.label();
    }

    private boolean nativeTransport() {
        return kind != TransportKind.NIO;
    }

    /**
     * Whether channels of this kind keep reading-closed connections open for writing. Only epoll does for Unix
     * sockets: Netty 4.2's NIO honours half-closure only for TCP (AbstractNioByteChannel), and its io_uring
     * transport only for configs that are SocketChannelConfig, which the domain socket's is not
     * (AbstractIoUringChannel.isAllowHalfClosure). So on NIO and io_uring an EOF from a socket-file peer ends the
     * whole link, after what is queued is written. TCP channels half-close on every transport.
     */
    public boolean halfClosure(Class<?> channelClass) {
        return kind == TransportKind.EPOLL || !(channelClass == unixServer || channelClass == unixClient);
    }

    public EventLoopGroup newEventLoopGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("udsproxy-io", true), ioHandlerFactory);
    }

    public SocketAddress unixAddress(Path path) {
        return nativeTransport() ? new DomainSocketAddress(path.toString()) : UnixDomainSocketAddress.of(path);
    }
}
