package dev.udsproxy.sidecar.proxy;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Placeholder handler for client bootstraps: channels created with AUTO_READ off get their real handler later
 * (or never, for a probe). Its methods are all skipped by Netty, so it costs nothing per event.
 */
@Sharable
public final class PassiveHandler extends ChannelInboundHandlerAdapter {
    public static final PassiveHandler INSTANCE = new PassiveHandler();

    private PassiveHandler() {
    }
}
