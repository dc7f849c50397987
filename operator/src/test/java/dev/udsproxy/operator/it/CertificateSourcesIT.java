package dev.udsproxy.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.udsproxy.operator.OperatorConfig;
import dev.udsproxy.operator.OperatorConfig.CertificateSource;
import dev.udsproxy.operator.OwnerReferences;
import dev.udsproxy.operator.certificates.CertificatePlanner;
import dev.udsproxy.operator.certificates.CertificatePlanner.Action;
import dev.udsproxy.operator.certificates.CertificatePlanner.Plan;
import dev.udsproxy.operator.certificates.ServingMaterial;
import dev.udsproxy.operator.certificates.WebhookCertificates;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** WebhookCertificates against the real API server, with settings of their own (other Secret, other configuration). */
@QuarkusTest
@WithTestResource(ControlPlaneResource.class)
class CertificateSourcesIT {
    static final String NS = ControlPlaneResource.OPERATOR_NAMESPACE;

    static KubernetesClient client() {
        return ControlPlaneResource.plane().client();
    }

    @Test
    void operatorIssuesOnceKeepsThenAndSetsTheCaBundle() {
        String configuration = "certs-" + System.nanoTime() + ".test.udsproxy.dev";
        // Selects no Pod: a configuration with a dead URL that matched Pods would block every other test.
        var webhooks = ControlPlaneResource.webhooks("https://127.0.0.1:1/mutate-pods");
        webhooks.forEach(w -> w.setObjectSelector(new LabelSelectorBuilder()
                .addToMatchLabels("udsproxy.dev/certificate-test", "no-pod-has-this").build()));
        var configurations = client().admissionRegistration().v1().mutatingWebhookConfigurations();
        configurations.resource(new MutatingWebhookConfigurationBuilder().withNewMetadata().withName(configuration)
                .endMetadata().withWebhooks(webhooks).build()).create();
        try {
            issuesOnceKeepsThenAndSetsTheCaBundle(configuration);
        } finally {
            configurations.withName(configuration).delete();
        }
    }

    private void issuesOnceKeepsThenAndSetsTheCaBundle(String configuration) {
        var certificates = new WebhookCertificates(client(), config(CertificateSource.OPERATOR, "own-tls", configuration),
                owners(CertificateSource.OPERATOR));

        var first = certificates.ensure();
        String version = client().secrets().inNamespace(NS).withName("own-tls").get().getMetadata().getResourceVersion();
        var second = certificates.ensure();

        assertThat(second.certificatePem()).isEqualTo(first.certificatePem());
        assertThat(client().secrets().inNamespace(NS).withName("own-tls").get().getMetadata().getResourceVersion())
                .as("a valid certificate is not rewritten").isEqualTo(version);
        String caBundle = Base64.getEncoder().encodeToString(first.caBundlePem().getBytes(StandardCharsets.UTF_8));
        assertThat(client().admissionRegistration().v1().mutatingWebhookConfigurations().withName(configuration).get()
                .getWebhooks()).hasSize(2).allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isEqualTo(caBundle));
    }

    /**
     * Replicas that start together (the chart runs two) race for the Secret and then for the caBundle: every one
     * serves the same certificate and none fails on the other's write. The chart's empty Secret is there before
     * them, as a Helm install leaves it. Several rounds, since a round may happen to run one after the other.
     */
    @Test
    void replicasStartingTogetherAgreeOnOneCertificateAndNoneFails() throws Exception {
        int replicas = 4;
        var configurations = client().admissionRegistration().v1().mutatingWebhookConfigurations();
        ExecutorService pool = Executors.newFixedThreadPool(replicas);
        try {
            for (int round = 0; round < 5; round++) {
                String configuration = "certs-race-" + System.nanoTime() + ".test.udsproxy.dev";
                String secret = "race-tls-" + round;
                var webhooks = ControlPlaneResource.webhooks("https://127.0.0.1:1/mutate-pods");
                webhooks.forEach(w -> w.setObjectSelector(new LabelSelectorBuilder()
                        .addToMatchLabels("udsproxy.dev/certificate-test", "no-pod-has-this").build()));
                configurations.resource(new MutatingWebhookConfigurationBuilder().withNewMetadata()
                        .withName(configuration).endMetadata().withWebhooks(webhooks).build()).create();
                client().secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(secret)
                        .endMetadata().withType("kubernetes.io/tls").addToData("tls.crt", "").addToData("tls.key", "")
                        .build()).create();
                try {
                    CyclicBarrier start = new CyclicBarrier(replicas);
                    List<Future<ServingMaterial>> served = new ArrayList<>();
                    for (int r = 0; r < replicas; r++) {
                        var certificates = new WebhookCertificates(client(),
                                config(CertificateSource.OPERATOR, secret, configuration),
                                owners(CertificateSource.OPERATOR));
                        served.add(pool.submit(() -> {
                            start.await();
                            return certificates.ensure();
                        }));
                    }
                    List<ServingMaterial> materials = new ArrayList<>();
                    for (Future<ServingMaterial> f : served) {
                        materials.add(f.get(60, TimeUnit.SECONDS));
                    }
                    assertThat(materials.stream().map(ServingMaterial::certificatePem).distinct())
                            .as("round %d: one certificate for every replica", round).hasSize(1);
                    String caBundle = Base64.getEncoder().encodeToString(materials.get(0).caBundlePem()
                            .getBytes(StandardCharsets.UTF_8));
                    assertThat(configurations.withName(configuration).get().getWebhooks()).hasSize(2)
                            .allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isEqualTo(caBundle));
                } finally {
                    configurations.withName(configuration).delete();
                    client().secrets().inNamespace(NS).withName(secret).delete();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void certManagerModeServesWhatCertManagerWroteAndSaysWhatIsMissing() {
        var certificates = new WebhookCertificates(client(), config(CertificateSource.CERT_MANAGER, "cm-tls", "none"),
                owners(CertificateSource.CERT_MANAGER));
        assertThatThrownBy(certificates::ensure).hasMessageContaining("udsproxy.webhook.certificates=cert-manager")
                .hasMessageContaining(NS + "/cm-tls has no tls.crt and tls.key yet");

        var issued = new CertificatePlanner(new CertificatePlanner.Settings(List.of("localhost"), List.of(),
                Duration.ofDays(10), Duration.ofDays(1))).apply(new Plan(Action.NEW_CA, "test"), Optional.empty(),
                Instant.now());
        var material = issued.material();
        client().secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("cm-tls").endMetadata()
                .withType("kubernetes.io/tls")
                .addToStringData("tls.crt", material.certificatePem())
                .addToStringData("tls.key", material.privateKeyPem())
                .addToStringData("ca.crt", material.caBundlePem()).build()).create();

        var served = certificates.ensure();

        assertThat(served.certificatePem()).isEqualTo(material.certificatePem());
        assertThat(served.privateKeyPem()).isEqualTo(material.privateKeyPem());
        assertThat(client().secrets().inNamespace(NS).withName("cm-tls").get().getData())
                .as("cert-manager owns the Secret: nothing added").containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
    }

    /** Without UDSPROXY_OWNER_DEPLOYMENT, as in a local run. */
    static OwnerReferences owners(CertificateSource source) {
        return new OwnerReferences(client(), config(source, "unused", "unused"));
    }

    static OperatorConfig config(CertificateSource source, String secret, String configuration) {
        return config(source, secret, configuration, NS, Optional.empty());
    }

    static OperatorConfig config(CertificateSource source, String secret, String configuration, String namespace,
            Optional<String> ownerDeployment) {
        OperatorConfig.Webhook webhook = new OperatorConfig.Webhook() {
            public String host() { return "127.0.0.1"; }
            public int port() { return 0; }
            public String serviceName() { return "udsproxy-operator-webhook"; }
            public String configurationName() { return configuration; }
            public String secretName() { return secret; }
            public CertificateSource certificates() { return source; }
            public Optional<List<String>> extraDnsNames() { return Optional.of(List.of("localhost")); }
            public Optional<List<String>> extraIpAddresses() { return Optional.empty(); }
            public Duration caValidity() { return Duration.ofDays(30); }
            public Duration servingValidity() { return Duration.ofDays(3); }
            public Duration checkInterval() { return Duration.ofMinutes(1); }
        };
        return new OperatorConfig() {
            public String namespace() { return namespace; }
            public Optional<String> ownerDeployment() { return ownerDeployment; }
            public Optional<List<String>> excludedNamespaces() { return Optional.empty(); }
            public Webhook webhook() { return webhook; }
            public boolean leaderElection() { return false; }
            public String leaderElectionLease() { return "udsproxy-operator"; }
            public Duration catchUpInterval() { return Duration.ofMinutes(1); }
        };
    }
}
