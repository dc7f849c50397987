package dev.udsproxy.operator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.udsproxy.controlplane.ControlPlane;
import dev.udsproxy.controlplane.ControlPlaneBinaries;
import dev.udsproxy.operator.certificates.StoredCertificates;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Not a test: starts a real control plane and the packaged operator as its own process, then
 * sends AdmissionReviews to its webhook over HTTPS at a fixed rate (open loop: latency counts
 * from when a request was due, so a stall is not hidden) and prints p50/p99 and the
 * operator's RSS. Run with operator/bench.sh.
 */
public final class AdmissionBenchmark {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int RATE = Integer.getInteger("rate", 50);
    static final int SECONDS = Integer.getInteger("seconds", 30);
    static final int WARMUP_SECONDS = Integer.getInteger("warmup", 10);

    public static void main(String[] args) {
        int status = 0;
        try {
            benchmark();
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        }
        // The fabric8 client's Vert.x threads are not daemons: end the JVM explicitly.
        System.exit(status);
    }

    static void benchmark() throws Exception {
        Path module = Path.of(System.getProperty("basedir", "."));
        try (ControlPlane plane = ControlPlane.start(ControlPlaneBinaries.locate())) {
            var client = plane.client();
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("udsproxy-system")
                    .endMetadata().build()).create();
            // The golden reviews come from namespace shop: in steady state it is in the informer cache.
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
                    .endMetadata().build()).create();
            client.apiextensions().v1().customResourceDefinitions()
                    .load(module.resolve("../crds/sidecarprofiles.udsproxy.dev-v1.yml").toFile()).create();
            int webhookPort = freePort();
            int httpPort = freePort();
            Process operator = startOperator(module, plane, webhookPort, httpPort);
            try {
                HttpClient https = awaitWebhook(plane, webhookPort, operator);
                List<String> bodies = reviews(module);
                URI url = URI.create("https://127.0.0.1:" + webhookPort + "/mutate-pods");
                run(https, url, bodies, WARMUP_SECONDS);
                List<Long> micros = run(https, url, bodies, SECONDS);
                report(micros, operator, httpPort);
            } finally {
                operator.destroy();
                operator.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    static Process startOperator(Path module, ControlPlane plane, int webhookPort, int httpPort) throws Exception {
        var config = plane.clientConfig();
        var builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx128m", "-jar", module.resolve("target/quarkus-app/quarkus-run.jar").toString());
        Map<String, String> env = builder.environment();
        env.put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", config.getMasterUrl());
        env.put("QUARKUS_KUBERNETES_CLIENT_CA_CERT_DATA", config.getCaCertData());
        env.put("QUARKUS_KUBERNETES_CLIENT_CLIENT_CERT_DATA", config.getClientCertData());
        env.put("QUARKUS_KUBERNETES_CLIENT_CLIENT_KEY_DATA", config.getClientKeyData());
        env.put("QUARKUS_KUBERNETES_CLIENT_CLIENT_KEY_ALGO", "EC");
        env.put("UDSPROXY_NAMESPACE", "udsproxy-system");
        env.put("UDSPROXY_WEBHOOK_HOST", "127.0.0.1");
        env.put("UDSPROXY_WEBHOOK_PORT", String.valueOf(webhookPort));
        env.put("UDSPROXY_WEBHOOK_EXTRA_IP_ADDRESSES", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
        File log = Files.createTempFile("udsproxy-operator-bench", ".log").toFile();
        System.out.println("operator log: " + log);
        return builder.redirectErrorStream(true).redirectOutput(log).start();
    }

    /** Waits for the Secret the operator writes, then trusts only its CA bundle, as the API server would. */
    static HttpClient awaitWebhook(ControlPlane plane, int port, Process operator) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!operator.isAlive()) {
                throw new IllegalStateException("the operator exited with " + operator.exitValue());
            }
            var secret = plane.client().secrets().inNamespace("udsproxy-system").withName("udsproxy-webhook-tls").get();
            if (secret != null) {
                var bundle = StoredCertificates.fromSecretData(secret.getData()).orElseThrow().bundle();
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                for (int i = 0; i < bundle.size(); i++) {
                    trust.setCertificateEntry("ca" + i, bundle.get(i));
                }
                var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
                SSLContext ssl = SSLContext.getInstance("TLS");
                ssl.init(null, tmf.getTrustManagers(), null);
                HttpClient client = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build();
                try {
                    client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/mutate-pods"))
                            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding());
                    return client;
                } catch (java.io.IOException notYet) {
                    // listening starts right after the Secret is written
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the operator's webhook did not come up in 60 s");
    }

    /** The golden inputs that inject, each sent with a fresh uid. */
    static List<String> reviews(Path module) throws Exception {
        var yaml = new ObjectMapper(new YAMLFactory());
        List<String> bodies = new ArrayList<>();
        for (String name : List.of("plain-deployment-pod", "named-port-service-target-port", "egress-routes",
                "several-containers", "already-injected")) {
            JsonNode review = yaml.readTree(module.resolve("src/test/resources/golden/" + name + "/in-AdmissionReview.yaml")
                    .toFile());
            for (int i = 0; i < 20; i++) {
                ((ObjectNode) review.get("request")).put("uid", UUID.randomUUID().toString());
                bodies.add(JSON.writeValueAsString(review));
            }
        }
        Collections.shuffle(bodies);
        return bodies;
    }

    static List<Long> run(HttpClient https, URI url, List<String> bodies, int seconds) throws Exception {
        int total = RATE * seconds;
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / RATE;
        long start = System.nanoTime();
        List<CompletableFuture<Long>> pending = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            var request = HttpRequest.newBuilder(url).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i % bodies.size()))).build();
            pending.add(https.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
                if (r.statusCode() != 200 || !r.body().contains("\"allowed\":true")) {
                    throw new IllegalStateException("unexpected answer " + r.statusCode() + ": " + r.body());
                }
                return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - due);
            }));
        }
        List<Long> micros = new ArrayList<>();
        for (var f : pending) {
            micros.add(f.get(30, TimeUnit.SECONDS));
        }
        Collections.sort(micros);
        return micros;
    }

    static void report(List<Long> micros, Process operator, int httpPort) throws Exception {
        String status = Files.readString(Path.of("/proc", String.valueOf(operator.pid()), "status"));
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        System.out.printf("admission benchmark: %d AdmissionReviews at %d/s over HTTPS (after %d s warm-up)%n",
                micros.size(), RATE, WARMUP_SECONDS);
        System.out.printf("client-side latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", pct(micros, 50),
                pct(micros, 99), micros.getLast() / 1000.0);
        metrics.lines().filter(l -> l.startsWith("udsproxy_admission_duration_seconds{quantile"))
                .forEach(l -> System.out.println("server-side handler, since start incl. warm-up: " + l));
        status.lines().filter(l -> l.startsWith("VmRSS") || l.startsWith("VmHWM"))
                .forEach(l -> System.out.println("operator " + l.replaceAll("\\s+", " ")));
    }

    static double pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1000.0;
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
