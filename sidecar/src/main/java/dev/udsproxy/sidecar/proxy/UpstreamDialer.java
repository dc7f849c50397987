package dev.udsproxy.sidecar.proxy;

import dev.udsproxy.sidecar.metrics.Direction;
import dev.udsproxy.sidecar.metrics.DirectionCounters;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Opens the upstream side of a link on the client's event loop. While the upstream is not there yet (the app's
 * socket file missing or refusing: the app is still starting), retries with exponential backoff until the connect
 * timeout; then the client is closed, the failure counted and logged (rate-limited).
 */
public final class UpstreamDialer {
    static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Bootstrap template;
    private final Map<EventLoop, Bootstrap> perLoop = new ConcurrentHashMap<>();
    private final UpstreamTarget target;
    private final long timeoutNanos;
    private final Direction direction;
    private final DirectionCounters counters;
    private final UpstreamFailureLog failureLog;

    public UpstreamDialer(Class<? extends Channel> channelClass, boolean halfClosure, UpstreamTarget target,
                          Duration connectTimeout, WriteBufferWaterMark waterMark, RecvByteBufAllocator readBuffers,
                          Direction direction, DirectionCounters counters, UpstreamFailureLog failureLog) {
        this.target = target;
        this.timeoutNanos = connectTimeout.toNanos();
        this.direction = direction;
        this.counters = counters;
        this.failureLog = failureLog;
        this.template = new Bootstrap()
                .channel(channelClass)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                .option(ChannelOption.RCVBUF_ALLOCATOR, readBuffers)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.clamp(connectTimeout.toMillis(), 1, Integer.MAX_VALUE))
                .handler(PassiveHandler.INSTANCE);
        if (halfClosure) {
            template.option(ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
    }

    /** Dials for {@code client}; {@code onConnected} runs on the client's event loop, only if the client is open. */
    void dial(Channel client, Consumer<Channel> onConnected) {
        new Attempt(client, onConnected).run();
    }

    private final class Attempt implements Runnable, ChannelFutureListener {
        private final Channel client;
        private final Consumer<Channel> onConnected;
        private final long started;
        private final long deadline;
        private long backoff = FIRST_BACKOFF_NANOS;
        private int attempts;

        Attempt(Channel client, Consumer<Channel> onConnected) {
            this.client = client;
            this.onConnected = onConnected;
            this.started = System.nanoTime();
            this.deadline = started + timeoutNanos;
        }

        @Override
        public void run() {
            if (!client.isActive()) {
                return;
            }
            SocketAddress address = target.fixedAddress();
            if (address != null) {
                connect(address);
                return;
            }
            target.resolve(client.eventLoop()).addListener(resolved -> {
                if (resolved.isSuccess()) {
                    connect((SocketAddress) resolved.getNow());
                } else {
                    attempts++;
                    retryOrGiveUp(resolved.cause());
                }
            });
        }

        private void connect(SocketAddress address) {
            EventLoop loop = client.eventLoop();
            attempts++;
            perLoop.computeIfAbsent(loop, template::clone).connect(address).addListener(this);
        }

        @Override
        public void operationComplete(ChannelFuture connected) {
            if (!connected.isSuccess()) {
                retryOrGiveUp(connected.cause());
            } else if (client.isActive()) {
                counters.upstreamConnectSeconds.observe((System.nanoTime() - started) / 1e9);
                onConnected.accept(connected.channel());
            } else {
                connected.channel().close();
            }
        }

        private void retryOrGiveUp(Throwable cause) {
            if (!client.isActive()) {
                return;
            }
            long now = System.nanoTime();
            if (now + backoff >= deadline) {
                counters.connectFailures.increment();
                failureLog.failed(direction, target.toString(), client.remoteAddress(), cause, attempts,
                        now - started);
                client.close();
                return;
            }
            counters.connectRetries.increment();
            client.eventLoop().schedule(this, backoff, TimeUnit.NANOSECONDS);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
        }
    }

}
