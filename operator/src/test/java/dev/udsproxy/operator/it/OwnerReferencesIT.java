package dev.udsproxy.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.udsproxy.controlplane.TestNamespaces;
import dev.udsproxy.operator.LeaderElectionSettings;
import dev.udsproxy.operator.OperatorConfig;
import dev.udsproxy.operator.OperatorConfig.CertificateSource;
import dev.udsproxy.operator.OwnerReferences;
import dev.udsproxy.operator.certificates.WebhookCertificates;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * With UDSPROXY_OWNER_DEPLOYMENT, the webhook Secret and the leader-election Lease are owned by the operator's
 * Deployment, also when they existed before without an owner; deleting the Deployment (what helm uninstall does)
 * lets kube-controller-manager's garbage collector delete them. The Lease comes from fabric8's real leader elector,
 * with the operator's own callback that adds the owner once it leads.
 */
@QuarkusTest
@WithTestResource(ControlPlaneResource.class)
class OwnerReferencesIT {
    static final String OPERATOR = "udsproxy-operator";

    static KubernetesClient client() {
        return ControlPlaneResource.plane().client();
    }

    @Test
    void secretAndLeaseAreOwnedByTheDeploymentAndGoWithIt() {
        String ns = TestNamespaces.create(client(), "owner", Map.of());
        Deployment operator = client().apps().deployments().inNamespace(ns)
                .resource(TestPods.deployment(OPERATOR, Map.of(), Map.of())).create();
        OperatorConfig unowned = CertificateSourcesIT.config(CertificateSource.OPERATOR, "webhook-tls", "none", ns,
                Optional.empty());
        OperatorConfig owned = CertificateSourcesIT.config(CertificateSource.OPERATOR, "webhook-tls", "none", ns,
                Optional.of(OPERATOR));

        // An older operator (or a local run) wrote the Secret without an owner; this one adopts it.
        new WebhookCertificates(client(), unowned, new OwnerReferences(client(), unowned)).ensure();
        assertThat(secret(ns).getMetadata().getOwnerReferences()).isEmpty();
        OwnerReferences owners = new OwnerReferences(client(), owned);
        new WebhookCertificates(client(), owned, owners).ensure();
        assertThat(secret(ns).getMetadata().getOwnerReferences()).singleElement()
                .satisfies(ref -> isTheOperator(ref, operator));

        // One this operator writes itself (a new Secret) has the owner from the start.
        OperatorConfig fresh = CertificateSourcesIT.config(CertificateSource.OPERATOR, "fresh-tls", "none", ns,
                Optional.of(OPERATOR));
        new WebhookCertificates(client(), fresh, new OwnerReferences(client(), fresh)).ensure();
        assertThat(client().secrets().inNamespace(ns).withName("fresh-tls").get().getMetadata().getOwnerReferences())
                .singleElement().satisfies(ref -> isTheOperator(ref, operator));

        CompletableFuture<?> elector = client().leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName("owner-test").withLock(new LeaseLock(ns, owned.leaderElectionLease(), "replica-1"))
                .withLeaseDuration(Duration.ofSeconds(15)).withRenewDeadline(Duration.ofSeconds(10))
                .withRetryPeriod(Duration.ofSeconds(1))
                .withLeaderCallbacks(new LeaderCallbacks(() -> LeaderElectionSettings.adoptLease(client(), owners, owned),
                        () -> { }, id -> { }))
                .build()).build().start();
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lease(ns, owned)).isNotNull()
                    .satisfies(l -> assertThat(l.getMetadata().getOwnerReferences()).singleElement()
                            .satisfies(ref -> isTheOperator(ref, operator))));
            String renewed = lease(ns, owned).getSpec().getRenewTime().toString();
            // The elector's renewals (merge patches of the spec) keep the owner.
            await().atMost(Duration.ofSeconds(30)).until(() -> !renewed.equals(
                    lease(ns, owned).getSpec().getRenewTime().toString()));
            assertThat(lease(ns, owned).getMetadata().getOwnerReferences()).hasSize(1);
        } finally {
            elector.cancel(true);
        }

        client().apps().deployments().inNamespace(ns).withName(OPERATOR).delete();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(secret(ns)).as("Secret deleted by the garbage collector").isNull();
            assertThat(client().secrets().inNamespace(ns).withName("fresh-tls").get()).isNull();
            assertThat(lease(ns, owned)).as("Lease deleted by the garbage collector").isNull();
        });
    }

    private static void isTheOperator(OwnerReference ref, HasMetadata operator) {
        assertThat(ref.getKind()).isEqualTo("Deployment");
        assertThat(ref.getApiVersion()).isEqualTo("apps/v1");
        assertThat(ref.getName()).isEqualTo(OPERATOR);
        assertThat(ref.getUid()).isEqualTo(operator.getMetadata().getUid());
        assertThat(ref.getController()).isFalse();
        assertThat(ref.getBlockOwnerDeletion()).isFalse();
    }

    private static io.fabric8.kubernetes.api.model.Secret secret(String ns) {
        return client().secrets().inNamespace(ns).withName("webhook-tls").get();
    }

    private static io.fabric8.kubernetes.api.model.coordination.v1.Lease lease(String ns, OperatorConfig config) {
        return client().leases().inNamespace(ns).withName(config.leaderElectionLease()).get();
    }
}
