package dev.udsproxy.operator.webhook;

import java.io.IOException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.udsproxy.operator.certificates.ServingMaterial;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * HTTPS only, one route: {@code POST /mutate-pods}. The serving certificate is swapped in
 * the running server ({@link #updateTls}, through {@link RotatingKeyManager}); connections
 * already open keep their handshake, new ones get the new certificate, so a rotation fails
 * no admission.
 */
public final class WebhookServer implements AutoCloseable {
    public static final String PATH = "/mutate-pods";
    private static final Logger LOG = Logger.getLogger(WebhookServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The API server's own limit for request bodies is 3 MiB; a Pod larger than that is not a Pod. */
    private static final long BODY_LIMIT = 4L * 1024 * 1024;

    private final Vertx vertx;
    private final AdmissionHandler handler;
    private final BiConsumer<AdmissionOutcome, Long> reporter;
    private HttpServer server;
    private RotatingKeyManager keys;

    public WebhookServer(Vertx vertx, AdmissionHandler handler, BiConsumer<AdmissionOutcome, Long> reporter) {
        this.vertx = vertx;
        this.handler = handler;
        this.reporter = reporter;
    }

    public int start(String host, int port, ServingMaterial tls) {
        Router router = Router.router(vertx);
        // A worker thread, not the event loop: a cache miss may ask the API server (blocking), and the
        // fabric8 client runs on this same Vert.x, so blocking its event loop would stall both.
        router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT)).blockingHandler(this::admit, false);
        keys = new RotatingKeyManager(tls);
        router.route().failureHandler(this::failed);
        var options = new HttpServerOptions().setSsl(true).setKeyCertOptions(KeyCertOptions.wrap(keys))
                .setHost(host).setPort(port).setIdleTimeout((int) Duration.ofMinutes(2).toSeconds());
        server = vertx.createHttpServer(options).requestHandler(router).listen()
                .toCompletionStage().toCompletableFuture().join();
        LOG.infof("webhook listening on https://%s:%d%s, certificate valid until %s", host, server.actualPort(),
                PATH, tls.notAfter());
        return server.actualPort();
    }

    public void updateTls(ServingMaterial tls) {
        keys.update(tls);
        LOG.infof("webhook serves a new certificate, valid until %s", tls.notAfter());
    }

    public int port() {
        return server.actualPort();
    }

    private void admit(RoutingContext ctx) {
        long started = System.nanoTime();
        Buffer body = ctx.body().buffer();
        JsonNode review;
        try {
            review = body == null ? null : JSON.readTree(body.getBytes());
        } catch (IOException e) {
            badRequest(ctx, "the body is not JSON: " + e.getMessage());
            return;
        }
        try {
            AdmissionOutcome outcome = handler.handle(review);
            String answer = outcome.review().toString();
            // Before the answer leaves: the Event of a Pod is queued before its creator can create the next one.
            reporter.accept(outcome, System.nanoTime() - started);
            ctx.response().putHeader("content-type", "application/json").end(answer);
        } catch (MalformedReviewException e) {
            badRequest(ctx, e.getMessage());
        }
    }

    /** Body too large (413 from the BodyHandler) or a bug: answer with the reason, never a bare error. */
    private void failed(RoutingContext ctx) {
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        String reason = status == 413 ? "the body is larger than " + BODY_LIMIT + " bytes"
                : String.valueOf(ctx.failure());
        LOG.warnf("admission request failed with %d: %s", status, reason);
        ctx.response().setStatusCode(status).putHeader("content-type", "text/plain; charset=utf-8")
                .end("AdmissionReview not handled: " + reason + "\n");
    }

    private static void badRequest(RoutingContext ctx, String reason) {
        LOG.warnf("refused a malformed admission request: %s", reason);
        ctx.response().setStatusCode(400).putHeader("content-type", "text/plain; charset=utf-8")
                .end("malformed AdmissionReview: " + reason + "\n");
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
