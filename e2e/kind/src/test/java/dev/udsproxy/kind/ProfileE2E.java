package dev.udsproxy.kind;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Profiles on a real kubelet: a profile change rolls the workloads that use it (new Pods carry the
 * new hash and settings), and classic mode ({@code nativeSidecar: never}) starts the app only once
 * the sidecar listens, then serves.
 */
@Order(4)
@ExtendWith(KindClusterExtension.class)
class ProfileE2E {

    static final String NS = "profiles";

    @Test
    void aProfileChangeRollsItsWorkloadWithTheNewSettings(Shell shell, KubernetesClient client) {
        Kubectl kubectl = new Kubectl(shell);
        namespace(kubectl);
        profile(kubectl, "e2e-change", "\"drain\": {\"timeout\": \"20s\"}");
        kubectl.applyExample(NS, "node");
        useProfile(kubectl, "example-node", "e2e-change");
        Pod before = onlyPod(client, "example-node");
        assertThat(env(sidecar(before), "UDSPROXY_DRAIN_TIMEOUT")).isEqualTo("20s");
        String statusBefore = before.getMetadata().getAnnotations().get("udsproxy.dev/status");

        kubectl.ok("patch sidecarprofile e2e-change --type merge -p '{\"spec\":{\"drain\":{\"timeout\":\"25s\"}}}'");
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            Pod after = onlyPod(client, "example-node");
            assertThat(env(sidecar(after), "UDSPROXY_DRAIN_TIMEOUT")).as("the new Pod's drain timeout").isEqualTo("25s");
            assertThat(after.getMetadata().getAnnotations().get("udsproxy.dev/status"))
                    .as("the new Pod's injection status (profile hash)").isNotEqualTo(statusBefore);
        });
        kubectl.rolloutStatus(NS, "example-node");
        String serves = kubectl.exec(NS, "client", "curl -sS -m 10 http://example-node/after-change").output();
        assertThat(serves).contains("hello from example-node over unix, path /after-change");
    }

    @Test
    void classicModeStartsTheAppAfterTheSidecarListensAndServes(Shell shell, KubernetesClient client) {
        Kubectl kubectl = new Kubectl(shell);
        namespace(kubectl);
        profile(kubectl, "e2e-classic", "\"nativeSidecar\": \"never\"");
        kubectl.applyExample(NS, "java");
        useProfile(kubectl, "example-java", "e2e-classic");
        Pod pod = withoutRuntimeCreateFailure(client, onlyPod(client, "example-java"));
        assertThat(pod.getSpec().getInitContainers()).extracting(Container::getName).doesNotContain("udsproxy");
        Container first = pod.getSpec().getContainers().get(0);
        assertThat(first.getName()).as("classic mode: the sidecar is the first container").isEqualTo("udsproxy");
        assertThat(first.getLifecycle().getPostStart().getExec().getCommand()).as("its postStart hook").contains("await");
        var started = pod.getStatus().getContainerStatuses().stream()
                .collect(java.util.stream.Collectors.toMap(s -> s.getName(), s -> s.getState().getRunning().getStartedAt()));
        assertThat(started.get("app")).as("the app started no earlier than the sidecar").isGreaterThanOrEqualTo(started.get("udsproxy"));
        assertThat(kubectl.ok("-n " + NS + " logs " + pod.getMetadata().getName() + " -c udsproxy")).contains("listening");
        assertThat(kubectl.exec(NS, "client", "curl -sS -m 10 http://example-java/classic").output())
                .contains("hello from example-java over unix, path /classic");
    }

    private static void namespace(Kubectl kubectl) {
        if (kubectl.run("get namespace " + NS).exitCode() != 0) {
            kubectl.restrictedNamespace(NS);
            kubectl.clientPod(NS, "client");
        }
    }

    /** A profile with the default profile's image and the given extra spec fields (JSON). */
    private static void profile(Kubectl kubectl, String name, String fields) {
        String image = kubectl.ok("get sidecarprofile default -o jsonpath='{.spec.image}'").trim();
        kubectl.ok("apply -f - <<'EOF'\n{\"apiVersion\": \"udsproxy.dev/v1alpha1\", \"kind\": \"SidecarProfile\","
                + " \"metadata\": {\"name\": \"" + name + "\"}, \"spec\": {\"image\": \"" + image + "\","
                + " \"imagePullPolicy\": \"IfNotPresent\", " + fields + "}}\nEOF");
    }

    private static void useProfile(Kubectl kubectl, String deployment, String profile) {
        kubectl.annotateTemplate(NS, deployment, "udsproxy.dev/profile", profile);
        Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> kubectl.ok("-n " + NS + " get pods -o name -l "
                + "app.kubernetes.io/name=" + deployment).trim().lines().count() == 1);
    }

    /** The one Pod of the app once the rollout has settled (no old Pod left terminating). */
    /**
     * The ordering classic mode promises holds for containers the runtime created. When runc on this nested kind node
     * fails to create the sidecar's container (seen once: "error setting cgroup config for procHooks process: unable
     * to freeze"), the kubelet goes on to the app and retries the sidecar later, so the start times say nothing
     * about our hook. Such a Pod is replaced once, saying why; a second such failure fails the test.
     */
    static Pod withoutRuntimeCreateFailure(KubernetesClient client, Pod pod) {
        String name = pod.getMetadata().getName();
        List<String> failures = runtimeCreateFailures(client, name);
        if (failures.isEmpty()) {
            return pod;
        }
        System.out.println("ProfileE2E: the container runtime failed to create a container of " + name + " ("
                + failures.get(0) + "); the Pod is replaced once and the ordering checked on the new one");
        client.pods().inNamespace(NS).withName(name).delete();
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            List<Pod> pods = client.pods().inNamespace(NS).withLabel("app.kubernetes.io/name", "example-java").list()
                    .getItems();
            return pods.size() == 1 && !pods.get(0).getMetadata().getName().equals(name)
                    && pods.get(0).getStatus().getContainerStatuses().stream().allMatch(c -> Boolean.TRUE.equals(c.getReady()));
        });
        Pod replaced = onlyPod(client, "example-java");
        assertThat(runtimeCreateFailures(client, replaced.getMetadata().getName())).as("the container runtime failed again on the replacement Pod").isEmpty();
        return replaced;
    }

    /** The Pod's Events that say the container runtime could not create one of its containers. */
    private static List<String> runtimeCreateFailures(KubernetesClient client, String pod) {
        return client.v1().events().inNamespace(NS).withField("involvedObject.name", pod).list().getItems().stream()
                .map(e -> e.getMessage() == null ? "" : e.getMessage())
                .filter(m -> m.contains("failed to create containerd task") || m.contains("OCI runtime create failed"))
                .toList();
    }

    static Pod onlyPod(KubernetesClient client, String app) {
        List<Pod> pods = client.pods().inNamespace(NS).withLabel("app.kubernetes.io/name", app).list().getItems();
        assertThat(pods).as("Pods of %s", app).hasSize(1);
        return pods.get(0);
    }

    static Container sidecar(Pod pod) {
        return java.util.stream.Stream.concat(pod.getSpec().getInitContainers().stream(), pod.getSpec().getContainers().stream())
                .filter(c -> c.getName().equals("udsproxy")).findFirst()
                .orElseThrow(() -> new AssertionError("no udsproxy container in " + pod.getMetadata().getName()));
    }

    static String env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst().orElse(null);
    }

    @AfterAll
    static void deleteNamespaces(Shell shell) {
        new Kubectl(shell).deleteNamespace(NS);
    }
}
