package dev.udsproxy.kind;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * A workload in a namespace that never opts in, started before the product is installed: whatever
 * the tier does (install, rollouts, the operator down, uninstall), its Pod must stay the same Pod,
 * never restarted and never touched by the injector.
 */
final class Bystander {

    static final String NS = "bystander";

    /** The uid of its Pod, recorded before the product was installed. */
    private final String uid;

    private Bystander(String uid) {
        this.uid = uid;
    }

    static Bystander start(Kubectl kubectl, KubernetesClient client) {
        kubectl.ok("create namespace " + NS);
        // The pause image is on the node already (preloaded for kubeadm): no image of ours is loaded yet.
        kubectl.ok("-n " + NS + " create deployment plain --image=registry.k8s.io/pause:3.10.1");
        kubectl.rolloutStatus(NS, "plain");
        List<Pod> pods = client.pods().inNamespace(NS).list().getItems();
        assertThat(pods).as("the bystander's Pods").hasSize(1);
        return new Bystander(pods.get(0).getMetadata().getUid());
    }

    /** The same single Pod as at the start, never restarted, with nothing of ours on it. */
    void assertUntouched(KubernetesClient client) {
        List<Pod> pods = client.pods().inNamespace(NS).list().getItems();
        assertThat(pods).as("the bystander's Pods").hasSize(1);
        Pod pod = pods.get(0);
        assertThat(pod.getMetadata().getUid()).as("the bystander's Pod is the one started before the install").isEqualTo(uid);
        assertThat(pod.getStatus().getContainerStatuses()).allMatch(s -> s.getRestartCount() == 0);
        assertThat(pod.getSpec().getInitContainers()).isEmpty();
        assertThat(pod.getSpec().getContainers()).hasSize(1);
        assertThat(pod.getMetadata().getAnnotations() == null ? java.util.Map.of() : pod.getMetadata().getAnnotations())
                .as("annotations of the bystander's Pod").doesNotContainKeys("udsproxy.dev/status");
    }
}
