package dev.udsproxy.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.udsproxy.controlplane.TestNamespaces;
import dev.udsproxy.operator.LeaseRelease;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The release a leader does on SIGTERM, against the real API server: only a Lease this replica holds is cleared,
 * and fabric8's elector in another replica (what the operator SDK runs) takes a released Lease at its first try
 * instead of waiting out the 15 s. The two-process handover is e2e/chart's LeaderHandoverIT.
 */
@QuarkusTest
@WithTestResource(ControlPlaneResource.class)
class LeaseReleaseIT {
    static final String NAME = "udsproxy-operator";

    static KubernetesClient client() {
        return ControlPlaneResource.plane().client();
    }

    @Test
    void releasesOnlyALeaseThisReplicaHoldsAndAnotherElectorTakesItAtOnce() {
        String ns = TestNamespaces.create(client(), "lease", Map.of());
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        client().leases().inNamespace(ns).resource(new LeaseBuilder().withNewMetadata().withName(NAME).endMetadata()
                .withNewSpec().withHolderIdentity("replica-1").withLeaseDurationSeconds(15).withAcquireTime(now)
                .withRenewTime(now).withLeaseTransitions(3).endSpec().build()).create();
        String version = lease(ns).getMetadata().getResourceVersion();

        assertThat(new LeaseRelease(client(), ns, NAME, "replica-2").release()).as("not held by replica-2").isFalse();
        assertThat(lease(ns).getMetadata().getResourceVersion()).as("nothing written").isEqualTo(version);
        assertThat(new LeaseRelease(client(), ns, "absent", "replica-1").release()).isFalse();

        assertThat(new LeaseRelease(client(), ns, NAME, "replica-1").release()).isTrue();
        Lease released = lease(ns);
        assertThat(released.getSpec().getHolderIdentity()).isNull();
        assertThat(released.getSpec().getLeaseDurationSeconds()).isEqualTo(1);
        assertThat(released.getSpec().getLeaseTransitions()).as("the elector counts transitions on").isEqualTo(3);

        long start = System.nanoTime();
        CompletableFuture<?> elector = client().leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName("release-test").withLock(new LeaseLock(ns, NAME, "replica-2"))
                .withLeaseDuration(Duration.ofSeconds(15)).withRenewDeadline(Duration.ofSeconds(10))
                .withRetryPeriod(Duration.ofSeconds(2))
                .withLeaderCallbacks(new LeaderCallbacks(() -> { }, () -> { }, id -> { }))
                .build()).build().start();
        try {
            // Its first try comes at once; 15 s would mean it waited for the Lease to expire.
            await().atMost(Duration.ofSeconds(5)).until(() -> "replica-2".equals(lease(ns).getSpec().getHolderIdentity()));
            System.out.printf("released Lease taken by another elector after %d ms%n",
                    Duration.ofNanos(System.nanoTime() - start).toMillis());
            assertThat(new LeaseRelease(client(), ns, NAME, "replica-1").release()).as("no longer ours").isFalse();
            assertThat(lease(ns).getSpec().getHolderIdentity()).isEqualTo("replica-2");
        } finally {
            elector.cancel(true);
        }
    }

    private static Lease lease(String ns) {
        return client().leases().inNamespace(ns).withName(NAME).get();
    }
}
