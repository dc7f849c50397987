package dev.udsproxy.sidecar.admin;

import dev.udsproxy.sidecar.proxy.PassiveHandler;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.SocketAddress;

/** Ready means: the app's socket accepts a connection right now. The probe connection is closed at once. */
public final class ReadinessProbe {
    private final Bootstrap bootstrap;
    private final SocketAddress appSocket;

    public ReadinessProbe(EventLoopGroup group, Class<? extends Channel> unixClient, SocketAddress appSocket) {
        this.appSocket = appSocket;
        this.bootstrap = new Bootstrap().group(group).channel(unixClient)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000)
                .handler(PassiveHandler.INSTANCE);
    }

    /** Completes with null when ready, else with the reason the app is not. */
    public Future<String> check(Promise<String> result) {
        bootstrap.connect(appSocket).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                f.channel().close();
                result.setSuccess(null);
            } else {
                result.setSuccess("the app's socket " + appSocket + " does not accept connections: "
                        + f.cause().getMessage());
            }
        });
        return result;
    }
}
