package dev.udsproxy.kind;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Last: {@code helm uninstall} leaves no webhook configuration behind; an opted-in workload rolled
 * after it gets a Pod without the sidecar that never counts as Ready, so the working Pod stays and
 * the app keeps answering; the bystander was never touched.
 */
@Order(100)
@ExtendWith(KindClusterExtension.class)
class UninstallE2E {

    static final String NS = "after-uninstall";
    static final String OPERATOR_NS = "udsproxy-system";

    @Test
    void helmUninstallLeavesNoWebhookAndNoOutageAndTheBystanderWasNeverTouched(Shell shell, KubernetesClient client, Bystander bystander) {
        Kubectl kubectl = new Kubectl(shell);
        bystander.assertUntouched(client);
        kubectl.restrictedNamespace(NS);
        kubectl.applyExample(NS, "node");
        kubectl.rolloutStatus(NS, "example-node");
        kubectl.clientPod(NS, "client");

        shell.ok("helm uninstall udsproxy-operator -n udsproxy-system --wait --timeout 3m");
        assertThat(client.admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems())
                .extracting(w -> w.getMetadata().getName())
                .as("mutating webhook configurations after helm uninstall")
                .noneMatch(name -> name.contains("udsproxy"));
        assertThat(client.admissionRegistration().v1().validatingWebhookConfigurations().list().getItems())
                .extracting(w -> w.getMetadata().getName()).noneMatch(name -> name.contains("udsproxy"));

        // What the operator made at run time (the webhook's CA and serving Secret, the leader Lease) is owned
        // by its Deployment, so the garbage collector removes it with the release; Helm's own release Secrets
        // go with `helm uninstall` too. Nothing with a private key is left behind.
        Awaitility.await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            // Only Helm's record of the CRD chart's release may stay (that release stays installed on purpose).
            assertThat(client.secrets().inNamespace(OPERATOR_NS).list().getItems())
                    .filteredOn(s -> !("helm.sh/release.v1".equals(s.getType())
                            && "udsproxy-crds".equals(s.getMetadata().getLabels().get("name"))))
                    .extracting(s -> s.getMetadata().getName())
                    .as("Secrets left in %s after helm uninstall udsproxy-operator", OPERATOR_NS).isEmpty();
            assertThat(client.leases().inNamespace(OPERATOR_NS).list().getItems()).extracting(l -> l.getMetadata().getName())
                    .as("Leases left in %s after helm uninstall", OPERATOR_NS).isEmpty();
        });
        // The CRD is its own chart's (udsproxy-crds, installed first): uninstalling the operator leaves it and the profiles.
        assertThat(client.apiextensions().v1().customResourceDefinitions().withName("sidecarprofiles.udsproxy.dev").get())
                .as("the SidecarProfile CRD after helm uninstall udsproxy-operator").isNotNull();

        // No webhook: the next Pod of an opted-in workload comes without the sidecar. It must not count
        // as Ready, so the Deployment keeps the working Pod (an app with no UDSPROXY_SOCKET still serves TCP).
        kubectl.ok("-n " + NS + " rollout restart deploy/example-node");
        Awaitility.await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(pods(client))
                .as("a Pod without the sidecar was created").anyMatch(p -> !hasSidecar(p)));
        for (int i = 0; i < 20; i++) {
            List<Pod> pods = pods(client);
            assertThat(pods).filteredOn(p -> !hasSidecar(p)).as("Pods without the sidecar are never Ready").noneMatch(UninstallE2E::ready);
            assertThat(pods).filteredOn(UninstallE2E::hasSidecar).as("the injected Pod stays and is Ready").anyMatch(UninstallE2E::ready);
            assertThat(kubectl.exec(NS, "client", "curl -sS -m 5 http://example-node/still").output())
                    .contains("hello from example-node over unix, path /still");
            Kubectl.pause(Duration.ofSeconds(1));
        }
        bystander.assertUntouched(client);
    }

    private static List<Pod> pods(KubernetesClient client) {
        return client.pods().inNamespace(NS).withLabel("app.kubernetes.io/name", "example-node").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static boolean hasSidecar(Pod pod) {
        return pod.getSpec().getInitContainers().stream().anyMatch(c -> c.getName().equals("udsproxy"));
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }
}
