package dev.udsproxy.kind;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What opting in and the operator's own rollout cost a user: a first opt-in rolls a workload at
 * most once (not at all when its template already carries the opt-in label), and the webhook stays
 * reachable through a rolling restart of the operator (no opted-in Pod admitted without the sidecar).
 */
@Order(7)
@ExtendWith(KindClusterExtension.class)
class OptInE2E {

    static final String NS = "opt-in";

    @Test
    void aFirstOptInRollsAWorkloadAtMostOnce(Shell shell, KubernetesClient client) {
        Kubectl kubectl = new Kubectl(shell);
        kubectl.restrictedNamespace(NS);
        // As shipped: the template carries the opt-in label, so its first Pods are injected at creation.
        kubectl.applyExample(NS, "java");
        kubectl.rolloutStatus(NS, "example-java");
        // Annotation only: the operator has to put the opt-in on the template (one roll).
        kubectl.applyExample(NS, "node");
        kubectl.ok("-n " + NS + " patch deploy/example-node --type json -p "
                + "'[{\"op\":\"remove\",\"path\":\"/spec/template/metadata/labels/udsproxy.dev~1inject\"}]'");
        kubectl.rolloutStatus(NS, "example-node");
        // Give the operator time to do all it would do, then count the templates each one went through.
        Kubectl.pause(Duration.ofSeconds(20));
        kubectl.rolloutStatus(NS, "example-java");
        kubectl.rolloutStatus(NS, "example-node");
        assertThat(replicaSets(client, "example-java")).as("ReplicaSets of a Deployment whose template was already labelled")
                .isEqualTo(1);
        // One for the apply, one for our label patch (the user's own edit), at most one of the operator's.
        assertThat(replicaSets(client, "example-node")).as("ReplicaSets after the user's edit and the operator's opt-in:%n%s",
                templates(client, "example-node")).isLessThanOrEqualTo(3);
    }

    @Test
    void theWebhookStaysReachableThroughTheOperatorsRollingRestart(Shell shell) {
        Kubectl kubectl = new Kubectl(shell);
        if (kubectl.run("get namespace " + NS).exitCode() != 0) {
            kubectl.restrictedNamespace(NS);
        }
        kubectl.ok("-n udsproxy-system rollout restart deploy/udsproxy-operator");
        // Back-to-back dry-run admissions of an opted-in Pod until the rollout is done.
        String loop = "n=0; bad=0; finished=; while :; do n=$((n+1)); out=$(kubectl -n " + NS + " run probe-$n --image=" + Kubectl.TOOLBOX
                + " --labels=udsproxy.dev/inject=true --restart=Never --dry-run=server -o jsonpath='{.spec.initContainers[*].name}'"
                + " -- sleep 1 2>&1); case \"$out\" in *udsproxy*) ;; *) bad=$((bad+1)); echo \"admission $n: $out\";; esac;"
                // Ten more after the rollout reports done: the last old replica is still in its preStop then.
                + " if [ -z \"$finished\" ] && kubectl -n udsproxy-system rollout status deploy/udsproxy-operator --timeout=1s"
                + " >/dev/null 2>&1; then finished=$n; fi;"
                + " if [ -n \"$finished\" ] && [ $n -ge $((finished + 10)) ] && [ $n -gt 20 ]; then break; fi; done;"
                + " echo \"admissions=$n without-sidecar=$bad\"";
        String out = shell.ok(loop, Duration.ofMinutes(6));
        System.out.println("kind e2e: operator rollout: " + out.lines().reduce((a, b) -> b).orElse(""));
        assertThat(out).as("every opted-in admission during the operator's rollout got the sidecar:%n%s", out)
                .contains("without-sidecar=0");
    }

    /** What each ReplicaSet's template carried, oldest first: which edit made it. */
    private static String templates(KubernetesClient client, String app) {
        return client.apps().replicaSets().inNamespace(NS).withLabel("app.kubernetes.io/name", app).list().getItems().stream()
                .sorted(java.util.Comparator.comparing(rs -> rs.getMetadata().getCreationTimestamp()))
                .map(rs -> rs.getMetadata().getName() + " " + rs.getMetadata().getCreationTimestamp()
                        + " labels=" + rs.getSpec().getTemplate().getMetadata().getLabels()
                        + " annotations=" + rs.getSpec().getTemplate().getMetadata().getAnnotations())
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    private static int replicaSets(KubernetesClient client, String app) {
        return client.apps().replicaSets().inNamespace(NS).withLabel("app.kubernetes.io/name", app).list().getItems().size();
    }


    @AfterAll
    static void deleteNamespaces(Shell shell) {
        new Kubectl(shell).deleteNamespace(NS);
    }
}
