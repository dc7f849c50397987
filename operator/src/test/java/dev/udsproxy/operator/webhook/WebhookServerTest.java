package dev.udsproxy.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.udsproxy.operator.certificates.CertificatePlanner;
import dev.udsproxy.operator.certificates.CertificatePlanner.Action;
import dev.udsproxy.operator.certificates.CertificatePlanner.Plan;
import dev.udsproxy.operator.certificates.StoredCertificates;
import dev.udsproxy.operator.testing.TrustBundle;
import dev.udsproxy.operator.injection.GoldenContext;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The webhook server on a real HTTPS socket, with the certificates the operator would create. */
class WebhookServerTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();
    static final CertificatePlanner PLANNER = new CertificatePlanner(new CertificatePlanner.Settings(
            List.of("udsproxy-webhook.udsproxy-system.svc", "localhost"), List.of("127.0.0.1"),
            Duration.ofDays(365), Duration.ofDays(30)));

    static Vertx vertx;
    static WebhookServer server;
    static StoredCertificates certificates;
    static final List<AdmissionOutcome> reported = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        certificates = PLANNER.apply(new Plan(Action.NEW_CA, "test"), Optional.empty(), Instant.now());
        server = new WebhookServer(vertx, new AdmissionHandler(new GoldenContext()),
                (outcome, nanos) -> reported.add(outcome));
        server.start("127.0.0.1", 0, certificates.material());
    }

    @AfterAll
    static void stop() {
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void injectsOverHttpsAndEchoesTheUid() throws Exception {
        JsonNode review = golden("plain-deployment-pod");
        HttpResponse<String> response = post(client(), JSON.writeValueAsString(review));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body()).get("response");
        assertThat(answer.get("uid").asText()).isEqualTo(review.at("/request/uid").asText());
        assertThat(answer.get("allowed").asBoolean()).isTrue();
        assertThat(answer.get("patchType").asText()).isEqualTo("JSONPatch");
        assertThat(reported).anySatisfy(o -> assertThat(o.result()).isEqualTo(AdmissionOutcome.Result.INJECTED));
    }

    @Test
    void invalidAnnotationIsRefusedWithTheMessage() throws Exception {
        HttpResponse<String> response = post(client(), JSON.writeValueAsString(golden("invalid-port")));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body()).get("response");
        assertThat(answer.get("allowed").asBoolean()).isFalse();
        assertThat(answer.at("/status/message").asText())
                .isEqualTo("invalid annotation udsproxy.dev/port=\"70000\": allowed is a TCP port number from 1 to 65535");
    }

    @Test
    void malformedRequestsGetA400WithTheReason() throws Exception {
        HttpClient client = client();
        assertThat(post(client, "{not json")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).startsWith("malformed AdmissionReview: the body is not JSON");
        });
        assertThat(post(client, "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\"}"))
                .satisfies(r -> {
                    assertThat(r.statusCode()).isEqualTo(400);
                    assertThat(r.body()).contains("expected apiVersion admission.k8s.io/v1")
                            .contains("got admission.k8s.io/v1beta1");
                });
        assertThat(post(client, "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{}}"))
                .satisfies(r -> assertThat(r.body()).contains("no request with a uid"));
        assertThat(post(client, "[]").statusCode()).isEqualTo(400);
        assertThat(post(client, "x".repeat(5 * 1024 * 1024)).statusCode()).isEqualTo(413);
    }

    @Test
    void rotatedCertificateIsServedWithoutRestart() throws Exception {
        String body = JSON.writeValueAsString(golden("plain-deployment-pod"));
        BigInteger before = servedSerial(post(client(), body));
        assertThat(before).isEqualTo(certificates.serving().getSerialNumber());

        StoredCertificates renewed = PLANNER.apply(new Plan(Action.ISSUE_SERVING, "test"), Optional.of(certificates),
                Instant.now());
        server.updateTls(renewed.material());

        // A fresh client makes a fresh handshake: it must see the new certificate, same port, same server.
        HttpResponse<String> after = post(client(), body);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(servedSerial(after)).isEqualTo(renewed.serving().getSerialNumber()).isNotEqualTo(before);
    }

    /** Swaps while clients keep handshaking: no handshake may fail (Vert.x's own SSL update did race here). */
    @Test
    void rotationUnderConcurrentHandshakesFailsNone() throws Exception {
        String body = JSON.writeValueAsString(golden("plain-deployment-pod"));
        var failures = new CopyOnWriteArrayList<Throwable>();
        var served = java.util.concurrent.ConcurrentHashMap.<BigInteger>newKeySet();
        Thread clients = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 150; i++) {
                try {
                    HttpResponse<String> r = post(client(), body);
                    assertThat(r.statusCode()).isEqualTo(200);
                    served.add(servedSerial(r));
                } catch (Throwable t) {
                    failures.add(t);
                }
            }
        });
        StoredCertificates current = certificates;
        while (clients.isAlive()) {
            current = PLANNER.apply(new Plan(Action.ISSUE_SERVING, "test"), Optional.of(current), Instant.now());
            server.updateTls(current.material());
            Thread.sleep(3);
        }
        clients.join();

        assertThat(failures).isEmpty();
        assertThat(served).as("certificates seen by fresh handshakes").hasSizeGreaterThan(10);
    }

    /**
     * The webhook's TLS (PlainJdkTls) must not instantiate the BouncyCastle JCE provider, which Netty's default server
     * context does in its static initializer (~650 classes, ~4 MiB). Checked in a fresh JVM's class-load log, one
     * handshake each: the operator's server, and as the control a Vert.x server with the default engine, which must
     * show the provider (else the log could not see it and the first check would prove nothing).
     */
    @Test
    void servingTlsLoadsNoBouncyCastleProvider() throws Exception {
        String provider = "org.bouncycastle.jce.provider.BouncyCastleProvider ";
        String webhook = classLoadLog("webhook");
        assertThat(webhook).contains("served status 400");
        assertThat(webhook.lines().filter(l -> l.contains(provider))).as("the operator's server loaded").isEmpty();
        String control = classLoadLog("vertx-default");
        assertThat(control).contains("served status 200");
        assertThat(control.lines().filter(l -> l.contains(provider))).as("the default engine loaded").hasSize(1);
    }

    static String classLoadLog(String mode) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-Xlog:class+load=info:stdout", "-cp",
                System.getProperty("java.class.path"), ServeOneAdmission.class.getName(), mode)
                .directory(Path.of(System.getProperty("basedir", ".")).toFile()).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor()).as("exit of the %s child, output ends:%n%s", mode,
                out.substring(Math.max(0, out.length() - 3000))).isZero();
        return out;
    }

    static BigInteger servedSerial(HttpResponse<?> response) throws Exception {
        return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber();
    }

    static JsonNode golden(String name) throws Exception {
        return YAML.readTree(Path.of(System.getProperty("basedir", "."),
                "src/test/resources/golden", name, "in-AdmissionReview.yaml").toFile());
    }

    static HttpResponse<String> post(HttpClient client, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + WebhookServer.PATH))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Trusts only the operator's CA bundle, as the API server does with the caBundle. */
    static HttpClient client() throws Exception {
        return HttpClient.newBuilder().sslContext(TrustBundle.sslContext(certificates.bundle()))
                .connectTimeout(Duration.ofSeconds(5)).build();
    }
}
