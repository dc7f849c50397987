package dev.udsproxy.sidecar.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.util.concurrent.atomic.LongAdder;

/**
 * Copies what one channel reads into its peer. Backpressure by writability: when the peer's outbound buffer
 * passes the high water mark we stop reading here, and the peer's handler turns reading back on once it drained
 * below the low mark. Unlike Netty's proxy example (read() after each write) this keeps AUTO_READ on in the steady
 * state, which saves the epoll_ctl calls that toggling interest per message costs. One flush per read burst,
 * batched across channels by {@link FlushBatch}.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {
    private final SocketLink link;
    private final Channel peer;
    private final LongAdder bytes;

    RelayHandler(SocketLink link, Channel peer, LongAdder bytes) {
        this.link = link;
        this.peer = peer;
        this.bytes = bytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        link.moved();
        if (msg instanceof ByteBuf buf) {
            bytes.add(buf.readableBytes());
        }
        peer.write(msg, peer.voidPromise());
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        FlushBatch.flushSoon(peer);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Our channel drained below the low water mark: the peer, which feeds us, may read again.
        if (ctx.channel().isWritable()) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            link.inputShutdown(ctx.channel(), peer);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        link.inactive(peer);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        link.abort(ctx.channel(), peer);
    }
}
