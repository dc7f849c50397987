package dev.udsproxy.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.udsproxy.controlplane.TestNamespaces;
import dev.udsproxy.operator.testing.TrustBundle;
import dev.udsproxy.operator.certificates.StoredCertificates;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** Certificate rotation under load, and the webhook being down. */
@QuarkusTest
@WithTestResource(ControlPlaneResource.class)
class WebhookResilienceIT {

    static KubernetesClient client() {
        return ControlPlaneResource.plane().client();
    }

    @Test
    void rotationKeepsAdmissionsWorking() throws Exception {
        String ns = TestNamespaces.create(client(), "rotate", Map.of());
        Set<BigInteger> served = new HashSet<>();
        int admissions = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        // Serving certificates live 21 s and renew with 7 s left: three or more certificates in 40 s.
        while (System.nanoTime() < deadline && (served.size() < 3 || admissions < 20)) {
            var pod = client().pods().inNamespace(ns).resource(TestPods.optedIn("rot-" + admissions)).dryRun().create();
            assertThat(TestPods.sidecar(pod)).as("admission %d", admissions).isPresent();
            admissions++;
            served.add(servedSerial());
            Thread.sleep(250);
        }
        assertThat(served).as("distinct serving certificates seen during %d admissions", admissions).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void webhookDownBlocksOnlyPodsThatOptedIn() {
        String ns = TestNamespaces.create(client(), "down", Map.of());
        String dead = "https://127.0.0.1:1/mutate-pods";
        pointWebhooksAt(dead);
        try {
            long t0 = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).until(() -> refused(ns));
            System.out.printf("webhook-down: the API server refused opted-in Pods after %d ms%n",
                    (System.nanoTime() - t0) / 1_000_000);
            assertThatThrownBy(() -> client().pods().inNamespace(ns).resource(TestPods.optedIn("asked")).create())
                    .isInstanceOf(KubernetesClientException.class).hasMessageContaining("failed calling webhook");

            var plain = client().pods().inNamespace(ns).resource(TestPods.pod("plain", Map.of(), Map.of())).create();

            assertThat(plain.getMetadata().getUid()).isNotBlank();
            assertThat(TestPods.sidecar(plain)).isEmpty();
        } finally {
            pointWebhooksAt(ControlPlaneResource.webhookUrl());
        }
        long t1 = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> TestPods.sidecar(
                client().pods().inNamespace(ns).resource(TestPods.optedIn("back")).dryRun().create()).isPresent());
        System.out.printf("webhook-down: injection back after %d ms%n", (System.nanoTime() - t1) / 1_000_000);
    }

    /** The operator may be patching the caBundle at the same moment: retry on a conflict, then check. */
    private static void pointWebhooksAt(String url) {
        var configuration = client().admissionRegistration().v1().mutatingWebhookConfigurations()
                .withName(ControlPlaneResource.CONFIGURATION);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            configuration.edit(c -> {
                c.getWebhooks().forEach(w -> w.getClientConfig().setUrl(url));
                return c;
            });
            assertThat(configuration.get().getWebhooks()).allSatisfy(w -> assertThat(w.getClientConfig().getUrl())
                    .isEqualTo(url));
        });
    }

    private static boolean refused(String ns) {
        try {
            client().pods().inNamespace(ns).resource(TestPods.optedIn("probe")).dryRun().create();
            return false;
        } catch (KubernetesClientException e) {
            return true;
        }
    }

    /** The certificate a fresh TLS handshake gets, trusting only the bundle the operator published. */
    private static BigInteger servedSerial() throws Exception {
        var secret = client().secrets().inNamespace(ControlPlaneResource.OPERATOR_NAMESPACE)
                .withName("udsproxy-webhook-tls").get();
        List<X509Certificate> bundle = StoredCertificates.fromSecretData(secret.getData()).orElseThrow().bundle();
        SSLContext ssl = TrustBundle.sslContext(bundle);
        int port = Integer.parseInt(ControlPlaneResource.webhookUrl().replaceAll(".*:(\\d+)/.*", "$1"));
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }
}
