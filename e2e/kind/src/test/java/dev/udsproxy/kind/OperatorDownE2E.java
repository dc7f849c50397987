package dev.udsproxy.kind;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator down (scaled to 0), as the chart promises: opted-in Pods are refused with a message
 * that says why and how to opt out, every other Pod is admitted as if we did not exist, and an
 * opted-in workload's rollout waits instead of replacing working Pods with uninjected ones. Once
 * the operator is back, the rollout completes with the sidecar and the catch-up (policy delete)
 * recreates the Pods that started without it.
 */
@Order(6)
@ExtendWith(KindClusterExtension.class)
class OperatorDownE2E {

    static final String NS = "operator-down";
    static final String LATE = "operator-down-late";

    @Test
    void optedInPodsFailClosedOthersAreAdmittedAndTheCatchUpRepairs(Shell shell, KubernetesClient client) {
        Kubectl kubectl = new Kubectl(shell);
        kubectl.restrictedNamespace(NS);
        kubectl.applyExample(NS, "node");
        kubectl.rolloutStatus(NS, "example-node");
        kubectl.clientPod(NS, "client");
        // Pods that will have to be caught up: a namespace whose running Pods opt in only later.
        kubectl.ok("create namespace " + LATE);
        kubectl.ok("-n " + LATE + " apply -k examples/java");
        kubectl.ok("-n " + LATE + " patch deploy/example-java --type json -p "
                + "'[{\"op\":\"remove\",\"path\":\"/spec/template/metadata/labels/udsproxy.dev~1inject\"},"
                + "{\"op\":\"remove\",\"path\":\"/metadata/annotations/udsproxy.dev~1inject\"},"
                + "{\"op\":\"remove\",\"path\":\"/spec/template/metadata/annotations/udsproxy.dev~1inject\"},"
                // Opted out entirely, so without the readiness gate the example carries for the webhook to lift.
                + "{\"op\":\"remove\",\"path\":\"/spec/template/spec/readinessGates\"}]'");
        kubectl.rolloutStatus(LATE, "example-java");

        try {
            kubectl.ok("-n udsproxy-system scale deploy/udsproxy-operator --replicas=0");
            // Running Pods only: the helm test's Pod (Succeeded) carries the same name label and stays.
            Awaitility.await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(kubectl.ok(
                    "-n udsproxy-system get pods -o name -l app.kubernetes.io/name=udsproxy-operator"
                            + " --field-selector=status.phase=Running").trim()).as("operator Pods still running").isEmpty());

            // Restricted-compliant, so that Pod Security admits it and only our policy can refuse it.
            Shell.Result refused = kubectl.run("-n " + NS + " run opted-in --image=" + Kubectl.TOOLBOX
                    + " --labels=udsproxy.dev/inject=true --restart=Never --dry-run=server -o name "
                    + Kubectl.restricted("opted-in", "sleep 1"));
            assertThat(refused.exitCode()).as("an opted-in Pod while the webhook is down:%n%s", refused.output()).isNotZero();
            assertThat(refused.output()).as("the refusal says why and how to opt out")
                    .contains("udsproxy").contains("udsproxy.dev/inject=false");

            Shell.Result plain = kubectl.run("-n " + Bystander.NS + " run plain-while-down --image=registry.k8s.io/pause:3.10.1"
                    + " --restart=Never --dry-run=server -o name");
            assertThat(plain.exitCode()).as("a plain Pod while the webhook is down:%n%s", plain.output()).isZero();

            // A rollout of an opted-in workload while down: no new Pod can come, the working one stays.
            kubectl.ok("-n " + NS + " rollout restart deploy/example-node");
            kubectl.ok("-n " + LATE + " label namespace " + LATE + " udsproxy.dev/injection=enabled");
            kubectl.ok("patch sidecarprofile default --type merge -p '{\"spec\":{\"catchUp\":{\"policy\":\"delete\"}}}'");
            for (int i = 0; i < 10; i++) {
                assertThat(kubectl.exec(NS, "client", "curl -sS -m 5 http://example-node/still-up").output())
                        .as("the Service keeps answering while the operator is down").contains("path /still-up");
                Kubectl.pause(Duration.ofSeconds(1));
            }
        } finally {
            kubectl.ok("-n udsproxy-system scale deploy/udsproxy-operator --replicas=2");
        }
        kubectl.ok("-n udsproxy-system rollout status deploy/udsproxy-operator --timeout=180s");
        kubectl.rolloutStatus(NS, "example-node");
        assertThat(kubectl.exec(NS, "client", "curl -sS -m 5 http://example-node/back").output()).contains("path /back");

        // The catch-up finds the Pods that run without the sidecar and, with policy delete, recreates them.
        Awaitility.await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(5)).untilAsserted(() -> {
            var pods = client.pods().inNamespace(LATE).withLabel("app.kubernetes.io/name", "example-java").list().getItems();
            assertThat(pods).as("Pods of the late namespace").isNotEmpty()
                    .allMatch(p -> p.getMetadata().getDeletionTimestamp() == null)
                    .allMatch(OperatorDownE2E::hasSidecar);
        });
        kubectl.ok("patch sidecarprofile default --type merge -p '{\"spec\":{\"catchUp\":{\"policy\":\"report\"}}}'");
    }

    private static boolean hasSidecar(Pod pod) {
        return pod.getSpec().getInitContainers().stream().anyMatch(c -> c.getName().equals("udsproxy"))
                || pod.getSpec().getContainers().stream().anyMatch(c -> c.getName().equals("udsproxy"));
    }


    @AfterAll
    static void deleteNamespaces(Shell shell) {
        new Kubectl(shell).deleteNamespace(NS);
        new Kubectl(shell).deleteNamespace(LATE);
    }
}
