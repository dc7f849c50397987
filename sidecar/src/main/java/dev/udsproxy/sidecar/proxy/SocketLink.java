package dev.udsproxy.sidecar.proxy;

import dev.udsproxy.sidecar.metrics.DirectionCounters;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One proxied connection: the accepted client channel and the upstream channel, joined by two {@link RelayHandler}s.
 * Both channels live on the same event loop (the upstream is dialled on the client's loop), so the fields here
 * need no synchronisation.
 */
public final class SocketLink {
    private final Channel client;
    private final Channel upstream;
    private final DirectionCounters counters;
    /** Set by every read, cleared by the idle check: a plain flag is cheaper than a clock read per read. */
    private boolean moved;
    private ScheduledFuture<?> idleCheck;

    private SocketLink(Channel client, Channel upstream, DirectionCounters counters) {
        this.client = client;
        this.upstream = upstream;
        this.counters = counters;
    }

    /** Joins the two channels and starts reading on both (both were created with AUTO_READ off). */
    public static SocketLink join(Channel client, Channel upstream, DirectionCounters counters, Duration idleTimeout) {
        SocketLink link = new SocketLink(client, upstream, counters);
        client.pipeline().addLast(new RelayHandler(link, upstream, counters.bytesToUpstream));
        upstream.pipeline().addLast(new RelayHandler(link, client, counters.bytesToClient));
        if (!idleTimeout.isZero()) {
            long nanos = idleTimeout.toNanos();
            // A link is closed after one whole period without a read: idle for between 1x and 2x the timeout.
            link.idleCheck = client.eventLoop().scheduleWithFixedDelay(link::checkIdle, nanos, nanos,
                    TimeUnit.NANOSECONDS);
            client.closeFuture().addListener(f -> link.idleCheck.cancel(false));
        }
        if (client.pipeline().get(HoldUntilJoined.class) != null) {
            client.pipeline().remove(HoldUntilJoined.class); // hands what it kept to the relay
        }
        startReading(client);
        startReading(upstream);
        return link;
    }

    private static void startReading(Channel ch) {
        // After EOF, epoll has already dropped read interest for the socket: asking for reads again would fail.
        if (ch.isActive() && !(ch instanceof DuplexChannel d && d.isInputShutdown())) {
            ch.config().setAutoRead(true);
        }
    }

    void moved() {
        moved = true;
    }

    private void checkIdle() {
        if (moved) {
            moved = false;
            return;
        }
        counters.idleClosed.increment();
        client.close();
        upstream.close();
    }

    /** EOF on {@code from}: pass it on as a FIN once everything read before it is written, keep the rest open. */
    void inputShutdown(Channel from, Channel to) {
        if (to.isActive()) {
            to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) written -> {
                if (!written.isSuccess()) {
                    to.close();
                    return;
                }
                // shutdownOutput fails writes still queued, hence only after the empty write above completed.
                ((DuplexChannel) to).shutdownOutput().addListener(f -> closeIfFullyShut(to));
            });
        }
        closeIfFullyShut(from);
    }

    /** {@code from} is gone: close the other side after what is already queued for it has been written. */
    void inactive(Channel to) {
        if (to.isActive()) {
            to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** An I/O error (often a reset) on {@code failed}: reset the other side too where it is TCP. */
    void abort(Channel failed, Channel other) {
        counters.resets.increment();
        failed.close();
        if (other.isActive()) {
            if (other instanceof SocketChannel) {
                // SO_LINGER 0 turns close() into a RST, so the TCP peer learns it was not a clean end.
                other.config().setOption(ChannelOption.SO_LINGER, 0);
            }
            other.close();
        }
    }

    private static void closeIfFullyShut(Channel ch) {
        if (ch instanceof DuplexChannel d && d.isShutdown()) {
            ch.close();
        }
    }
}
