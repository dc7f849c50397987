package dev.udsproxy.operator.webhook;

import dev.udsproxy.operator.certificates.CertificatePlanner.Action;
import dev.udsproxy.operator.certificates.CertificatePlanner.Plan;
import dev.udsproxy.operator.certificates.StoredCertificates;
import dev.udsproxy.operator.injection.GoldenContext;
import dev.udsproxy.operator.testing.TrustBundle;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Optional;

/**
 * A JVM of its own for {@link WebhookServerTest#servingTlsLoadsNoBouncyCastleProvider}: serves one HTTPS request and
 * prints its status, so that the JVM's class-load log covers a TLS handshake and nothing else of the test suite.
 * {@code webhook} serves it with {@link WebhookServer} as the operator does; {@code vertx-default} with a plain Vert.x
 * server and Vert.x's default TLS engine (the control: it shows the log would name the provider if it were loaded).
 */
public final class ServeOneAdmission {
    public static void main(String[] args) throws Exception {
        StoredCertificates certificates = WebhookServerTest.PLANNER.apply(new Plan(Action.NEW_CA, "test"),
                Optional.empty(), Instant.now());
        Vertx vertx = Vertx.vertx();
        int port;
        AutoCloseable server;
        switch (args[0]) {
            case "webhook" -> {
                var webhook = new WebhookServer(vertx, new AdmissionHandler(new GoldenContext()), (o, n) -> { });
                port = webhook.start("127.0.0.1", 0, certificates.material());
                server = webhook;
            }
            case "vertx-default" -> {
                HttpServer plain = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setHost("127.0.0.1")
                                .setKeyCertOptions(KeyCertOptions.wrap(new RotatingKeyManager(certificates.material()))))
                        .requestHandler(r -> r.response().end("ok"))
                        .listen(0).toCompletionStage().toCompletableFuture().join();
                port = plain.actualPort();
                server = () -> plain.close().toCompletionStage().toCompletableFuture().join();
            }
            default -> throw new IllegalArgumentException("webhook or vertx-default, not " + args[0]);
        }
        HttpClient client = HttpClient.newBuilder().sslContext(TrustBundle.sslContext(certificates.bundle())).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + port + WebhookServer.PATH))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        System.out.println("served status " + response.statusCode());
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
