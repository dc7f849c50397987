package dev.udsproxy.kind;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README as a user follows it: the product was installed by the README's install block (the
 * extension ran it verbatim, `helm test` included); here the first-use block opts the Java example
 * in and calls it from another Pod, and the operator's two replicas are checked as the chart promises.
 */
@Order(1)
@ExtendWith(KindClusterExtension.class)
class WalkthroughE2E {

    @Test
    void theOperatorRunsTwoReadyReplicasAndOneHoldsTheLease(KubernetesClient client) {
        var deployment = client.apps().deployments().inNamespace("udsproxy-system").withName("udsproxy-operator").get();
        assertThat(deployment.getStatus().getReadyReplicas()).as("ready operator replicas").isEqualTo(2);
        // The Lease's name is the one the chart hands the operator.
        String leaseName = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("UDSPROXY_LEADER_ELECTION_LEASE")).findFirst().orElseThrow().getValue();
        var lease = client.leases().inNamespace("udsproxy-system").withName(leaseName).get();
        assertThat(lease).as("the leader election Lease %s", leaseName).isNotNull();
        var holder = lease.getSpec().getHolderIdentity();
        assertThat(client.pods().inNamespace("udsproxy-system").withLabel("app.kubernetes.io/name", "udsproxy-operator")
                .list().getItems()).extracting(p -> p.getMetadata().getName())
                .as("the Lease is held by one of the operator's Pods").anyMatch(holder::startsWith);
    }

    @Test
    void theReadmeFirstUseBlockServesTheExampleThroughItsSidecar(Walkthrough walkthrough, KubernetesClient client) {
        walkthrough.firstUse();
        Pod pod = client.pods().inNamespace("demo").withLabel("app.kubernetes.io/name", "example-java").list()
                .getItems().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).findFirst().orElseThrow();
        var sidecar = pod.getSpec().getInitContainers().stream().filter(c -> c.getName().equals("udsproxy")).findFirst();
        assertThat(sidecar).as("the injected native sidecar").isPresent();
        assertThat(sidecar.get().getRestartPolicy()).isEqualTo("Always");
        assertThat(pod.getStatus().getInitContainerStatuses()).as("the sidecar runs in the Pod")
                .anyMatch(s -> s.getName().equals("udsproxy") && Boolean.TRUE.equals(s.getStarted()));
    }
}
