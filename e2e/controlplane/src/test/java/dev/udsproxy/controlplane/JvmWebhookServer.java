package dev.udsproxy.controlplane;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An admission webhook in the test JVM: JDK HTTPS on a free loopback port with a serving certificate
 * from the control plane's CA. It records every AdmissionReview the API server sends and answers with
 * the response the test supplies (the uid is copied in, as the API server requires).
 */
final class JvmWebhookServer implements AutoCloseable {

    private final HttpsServer server;
    private final List<AdmissionReview> received = new CopyOnWriteArrayList<>();

    JvmWebhookServer(CertificateAuthority ca, Function<AdmissionReview, AdmissionResponse> decide) throws IOException {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(
                ca.issueServer("jvm-webhook", List.of("127.0.0.1")).serverSslContext()));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> handle(exchange, decide));
        server.start();
    }

    String url(String path) {
        return "https://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<AdmissionReview> received() {
        return received;
    }

    private void handle(HttpExchange exchange, Function<AdmissionReview, AdmissionResponse> decide) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            AdmissionReview review = Serialization.unmarshal(
                    new String(body.readAllBytes(), StandardCharsets.UTF_8), AdmissionReview.class);
            received.add(review);
            AdmissionResponse response = decide.apply(review);
            response.setUid(review.getRequest().getUid());
            AdmissionReview answer = new AdmissionReview();
            answer.setApiVersion("admission.k8s.io/v1");
            answer.setKind("AdmissionReview");
            answer.setResponse(response);
            byte[] json = Serialization.asJson(answer).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, json.length);
            exchange.getResponseBody().write(json);
        } catch (RuntimeException e) {
            // A broken test handler must show up in the test, as an API server error naming it.
            byte[] message = e.toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(500, message.length);
            exchange.getResponseBody().write(message);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
