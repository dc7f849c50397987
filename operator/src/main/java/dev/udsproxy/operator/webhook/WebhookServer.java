package dev.udsproxy.operator.webhook;

import java.io.IOException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.udsproxy.operator.certificates.ServingMaterial;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * HTTPS only, one route: {@code POST /mutate-pods}. The serving certificate is swapped in
 * the running server ({@link #updateTls}, through {@link RotatingKeyManager}); connections
 * already open keep their handshake, new ones get the new certificate, so a rotation fails
 * no admission.
 *
 * <p>The API server calls admission webhooks over HTTP/1.1 keep-alive and keeps using an open connection to a
 * replica after the Service has dropped it (kubernetes/kubernetes#127335): conntrack keeps routing it there. So a
 * stopping replica does not just close its sockets, which fails the admission the API server is writing at that
 * moment (and with failurePolicy Ignore admits the Pod without the sidecar). {@link #drain} answers what is in
 * flight with {@code Connection: close}, closes idle connections, so the API server's next request dials the
 * Service anew and reaches a replica that stays.
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
    /** Open connections, with the event-loop context each runs on and the requests it has in flight. */
    private final Map<HttpConnection, Tracked> connections = new ConcurrentHashMap<>();
    private volatile boolean draining;
    private final AtomicInteger answeredWhileDraining = new AtomicInteger();

    /** A connection's requests in flight, counted on its own event loop, so the drain's idle check cannot race one. */
    private record Tracked(Context context, AtomicInteger inFlight, AtomicBoolean closing) {
        /** True for the one caller that gets to close it (the end of its last answer, or the drain finding it idle). */
        boolean claimClose() {
            return closing.compareAndSet(false, true);
        }
    }

    /** What a drain did: idle connections it closed, answers it sent with Connection: close, connections cut at the deadline. */
    public record Drained(int closedIdle, int answered, int forced) {
    }

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
                .setSslEngineOptions(new PlainJdkTls())
                .setHost(host).setPort(port).setIdleTimeout((int) Duration.ofMinutes(2).toSeconds());
        server = vertx.createHttpServer(options).connectionHandler(this::track).requestHandler(req -> serve(req, router))
                .listen()
                .toCompletionStage().toCompletableFuture().join();
        LOG.infof("webhook listening on https://%s:%d%s, certificate valid until %s", host, server.actualPort(),
                PATH, tls.notAfter());
        return server.actualPort();
    }

    private void track(HttpConnection connection) {
        connections.put(connection, new Tracked(Vertx.currentContext(), new AtomicInteger(), new AtomicBoolean()));
        connection.closeHandler(v -> connections.remove(connection));
    }

    /** Runs on the connection's event loop; counts the request in flight until its answer is on the wire. */
    private void serve(HttpServerRequest request, Router router) {
        HttpConnection connection = request.connection();
        Tracked tracked = connections.get(connection);
        if (tracked != null) {
            tracked.inFlight().incrementAndGet();
        }
        request.response().headersEndHandler(v -> {
            if (draining) {
                request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
            }
        });
        // Called once the answer is on the wire, and also when the connection closes before it (Vert.x disposes the
        // response then): only the first is an answer.
        request.response().endHandler(v -> {
            if (tracked != null) {
                tracked.inFlight().decrementAndGet();
            }
            if (draining && (tracked == null || tracked.claimClose())) {
                if (request.response().ended()) {
                    answeredWhileDraining.incrementAndGet();
                }
                connection.close();
            }
        });
        router.handle(request);
    }

    /**
     * Stops serving without failing a request: every answer from now on says {@code Connection: close} and closes
     * its connection once written, idle connections are closed at once (on their event loop, so not while a request
     * is being read), and connections that open meanwhile are served the same way. Returns when no connection is
     * left or at the deadline, then closes the listener.
     */
    public Drained drain(Duration deadline) {
        draining = true;
        var closedIdle = new AtomicInteger();
        for (var entry : connections.entrySet()) {
            Tracked tracked = entry.getValue();
            tracked.context().runOnContext(v -> {
                if (tracked.inFlight().get() == 0 && tracked.claimClose()) {
                    closedIdle.incrementAndGet();
                    entry.getKey().close();
                }
            });
        }
        long end = System.nanoTime() + deadline.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < end) {
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int forced = connections.size();
        close();
        var drained = new Drained(closedIdle.get(), answeredWhileDraining.get(), forced);
        LOG.infof("webhook drained: %d idle connections closed, %d answers sent with Connection: close, %d connections"
                + " cut at the %d s deadline", drained.closedIdle(), drained.answered(), forced, deadline.toSeconds());
        return drained;
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
            Buffer answer = Buffer.buffer(JsonBytes.of(outcome.review()));
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
