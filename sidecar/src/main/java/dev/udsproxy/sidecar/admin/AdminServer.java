package dev.udsproxy.sidecar.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.SocketAddress;

/** Binds the admin HTTP port on the proxy's own event loops: probes are rare and cheap. */
public final class AdminServer {
    private static final int MAX_REQUEST_BYTES = 8192;

    private AdminServer() {
    }

    public static Channel bind(EventLoopGroup group, Class<? extends ServerChannel> serverClass, SocketAddress address,
                               AdminHandler handler) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(serverClass)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                handler);
                    }
                })
                .bind(address).sync().channel();
    }
}
