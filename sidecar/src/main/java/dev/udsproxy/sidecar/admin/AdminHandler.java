package dev.udsproxy.sidecar.admin;

import dev.udsproxy.contract.AdminPaths;
import dev.udsproxy.contract.AdminShutdown;
import dev.udsproxy.sidecar.log.Log;
import dev.udsproxy.sidecar.log.LogRateLimiter;
import dev.udsproxy.sidecar.metrics.MetricsExposition;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The admin endpoints: liveness, readiness (the app's socket), Prometheus metrics (open to anyone: the kubelet
 * probes from the node, Prometheus scrapes from its Pod), and a quit for Jobs (only as {@link QuitPolicy} allows).
 */
@Sharable
public final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final ReadinessProbe probe;
    private final MetricsExposition metrics;
    private final BooleanSupplier draining;
    private final Runnable quit;
    private final AdminShutdown adminShutdown;
    private final Log log;
    /** The admin port is open to the cluster: refused quits must not be a way to flood the node's log storage. */
    private final LogRateLimiter<String> refusedQuitLines = new LogRateLimiter<>(5, TimeUnit.SECONDS.toNanos(10));

    public AdminHandler(ReadinessProbe probe, MetricsExposition metrics, BooleanSupplier draining, Runnable quit,
                        AdminShutdown adminShutdown, Log log) {
        this.probe = probe;
        this.metrics = metrics;
        this.draining = draining;
        this.quit = quit;
        this.adminShutdown = adminShutdown;
        this.log = log;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        switch (new QueryStringDecoder(req.uri()).path()) {
            case AdminPaths.HEALTHZ -> respond(ctx, keepAlive, HttpResponseStatus.OK, "ok\n");
            case AdminPaths.READYZ -> {
                if (draining.getAsBoolean()) {
                    respond(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, "draining\n");
                    return;
                }
                probe.check(ctx.executor().newPromise()).addListener(f -> {
                    String reason = (String) f.getNow();
                    if (reason == null) {
                        respond(ctx, keepAlive, HttpResponseStatus.OK, "ready\n");
                    } else {
                        respond(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, reason + "\n");
                    }
                });
            }
            case AdminPaths.METRICS -> respond(ctx, keepAlive, HttpResponseStatus.OK, metrics.scrape(),
                    MetricsExposition.CONTENT_TYPE);
            case AdminPaths.QUIT -> {
                if (!HttpMethod.POST.equals(req.method())) {
                    respond(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST\n");
                    return;
                }
                String refusal = QuitPolicy.refusal(adminShutdown, ctx.channel().remoteAddress());
                if (refusal != null) {
                    LogRateLimiter.Admission line = refusedQuitLines.admit("quitquitquit", System.nanoTime());
                    if (line.write()) {
                        log.warn("udsproxy.admin", "POST /quitquitquit refused", "reason", refusal,
                                "suppressed_before", line.suppressedBefore() > 0
                                        ? Long.toString(line.suppressedBefore()) : null);
                    }
                    respond(ctx, keepAlive, HttpResponseStatus.FORBIDDEN, refusal + "\n");
                    return;
                }
                respond(ctx, false, HttpResponseStatus.OK, "draining\n");
                quit.run();
            }
            default -> respond(ctx, keepAlive, HttpResponseStatus.NOT_FOUND,
                    "not found; try /healthz, /readyz, /metrics or POST /quitquitquit\n");
        }
    }

    private static void respond(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String body) {
        respond(ctx, keepAlive, status, body, "text/plain; charset=utf-8");
    }

    private static void respond(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String body,
                                String contentType) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpUtil.setContentLength(res, res.content().readableBytes());
        if (keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(res);
        } else {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
