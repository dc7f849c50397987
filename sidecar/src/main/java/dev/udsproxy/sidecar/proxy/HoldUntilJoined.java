package dev.udsproxy.sidecar.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps what a client sends before its upstream is connected. AUTO_READ off is not enough: when the client
 * half-closes (EPOLLRDHUP), Netty's epoll transport reads up to EOF whatever AUTO_READ says, and those bytes and
 * the EOF would otherwise reach the pipeline's tail and be lost. Removed when the link is joined, it hands on
 * what it kept, in order. Bounded: a client that pushes more than {@link #MAX_HELD_BYTES} before the upstream
 * exists is closed.
 */
final class HoldUntilJoined extends ChannelInboundHandlerAdapter {
    static final int MAX_HELD_BYTES = 256 * 1024;

    private List<Object> held;
    private int heldBytes;
    private boolean eof;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (held == null) {
            held = new ArrayList<>(2);
        }
        held.add(msg);
        if (msg instanceof ByteBuf buf) {
            heldBytes += buf.readableBytes();
        }
        if (heldBytes > MAX_HELD_BYTES) {
            releaseHeld();
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // nothing to flush yet
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            eof = true;
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseHeld();
        ctx.fireChannelInactive();
    }

    /** Replays into the handlers behind us (the relay, added just before this handler is removed). */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (held != null) {
            for (Object msg : held) {
                ctx.fireChannelRead(msg);
            }
            held = null;
            ctx.fireChannelReadComplete();
        }
        if (eof) {
            ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
    }

    private void releaseHeld() {
        if (held != null) {
            held.forEach(ReferenceCountUtil::release);
            held = null;
        }
    }
}
