package dev.udsproxy.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.udsproxy.controlplane.TestNamespaces;
import dev.udsproxy.operator.customresource.RolloutMode;
import dev.udsproxy.operator.customresource.SidecarProfile;
import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * A profile change reaches its workloads at the profile's pace (spec.rollout), and in mode manual not at all until
 * the user restarts them. Real API server and kube-controller-manager.
 */
@QuarkusTest
@WithTestResource(ControlPlaneResource.class)
class RolloutPacingIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String HASH = "udsproxy.dev/profile-hash";

    static KubernetesClient client() {
        return ControlPlaneResource.plane().client();
    }

    @Test
    void oneWorkloadAMinuteRollsOneNowAndTheNextAMinuteLater() {
        String ns = TestNamespaces.create(client(), "paced", Map.of());
        String profile = "paced-" + ns;
        createProfile(profile, RolloutMode.AUTO, 1);
        List<String> names = List.of("a", "b");
        names.forEach(n -> deploy(ns, n, profile));
        names.forEach(n -> await().atMost(PATIENCE).until(() -> allInjected(ns, n)));
        // No hash on a labelled template whose Pods are all injected already (nothing to roll); null then.
        String before = hash(ns, "a");
        assertThat(hash(ns, "b")).isEqualTo(before);

        // The opt-in itself counted as no roll: the budget of the minute is whole when the profile changes.
        long changed = System.nanoTime();
        changeImage(profile, "registry.example/udsproxy/sidecar:2");
        await().atMost(PATIENCE).until(() -> !Objects.equals(before, hash(ns, "a")));
        assertThat(hash(ns, "b")).as("b waits for the next minute").isEqualTo(before);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(client().resources(SidecarProfile.class)
                .withName(profile).get().getStatus().outdatedWorkloads).isEqualTo(1));
        await("b stays on the old hash for most of the minute").during(Duration.ofSeconds(30))
                .atMost(Duration.ofSeconds(45)).until(() -> Objects.equals(before, hash(ns, "b")));
        await().atMost(Duration.ofSeconds(90)).until(() -> !Objects.equals(before, hash(ns, "b")));
        System.out.printf("RolloutPacingIT: the second workload rolled %d s after the profile change%n",
                Duration.ofNanos(System.nanoTime() - changed).toSeconds());
        assertThat(events(profile)).contains("RolloutPaced");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(client().resources(SidecarProfile.class)
                .withName(profile).get().getStatus().outdatedWorkloads).isZero());
    }

    @Test
    void manualOnlyMarksTheWorkloadsOutdated() {
        String ns = TestNamespaces.create(client(), "manual", Map.of());
        String profile = "manual-" + ns;
        createProfile(profile, RolloutMode.MANUAL, null);
        deploy(ns, "web", profile);
        await().atMost(PATIENCE).until(() -> allInjected(ns, "web"));
        String before = hash(ns, "web");

        changeImage(profile, "registry.example/udsproxy/sidecar:2");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(client().resources(SidecarProfile.class)
                .withName(profile).get().getStatus().outdatedWorkloads).isEqualTo(1));
        await("the template keeps the old hash through several catch-up rounds").during(Duration.ofSeconds(12))
                .atMost(Duration.ofSeconds(20)).until(() -> Objects.equals(before, hash(ns, "web")));
        assertThat(events(profile)).contains("RolloutPending");

        // The user's restart: new Pods come through the webhook with the new profile, and the workload is current.
        // (Deleting the Pods: a rolling restart would wait for new Pods to be Ready, and no kubelet runs here.)
        client().pods().inNamespace(ns).withLabel("app", "web").delete();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(client().resources(SidecarProfile.class)
                .withName(profile).get().getStatus().outdatedWorkloads).isZero());
        assertThat(hash(ns, "web")).as("the operator still wrote nothing").isEqualTo(before);
    }

    private static void createProfile(String name, RolloutMode mode, Integer perMinute) {
        var profile = new SidecarProfile();
        profile.getMetadata().setName(name);
        SidecarProfileSpec spec = new SidecarProfileSpec();
        spec.image = "registry.example/udsproxy/sidecar:1";
        spec.rollout = new SidecarProfileSpec.Rollout();
        spec.rollout.mode = mode;
        spec.rollout.maxWorkloadsPerMinute = perMinute;
        profile.setSpec(spec);
        client().resources(SidecarProfile.class).resource(profile).create();
    }

    private static void changeImage(String profile, String image) {
        // Unlocked: the reconciler patches the status every few seconds, a locked edit would race it.
        client().resources(SidecarProfile.class).withName(profile).unlock().edit(p -> {
            p.getSpec().image = image;
            return p;
        });
    }

    /** Opted in with the template label too, as the examples are: even the first Pods come through the webhook. */
    private static void deploy(String ns, String name, String profile) {
        var deployment = TestPods.deployment(name, Map.of("udsproxy.dev/inject", "true", "udsproxy.dev/profile", profile),
                Map.of("udsproxy.dev/profile", profile));
        deployment.getSpec().getTemplate().getMetadata().getLabels().put("udsproxy.dev/inject", "true");
        client().apps().deployments().inNamespace(ns).resource(deployment).create();
    }

    private static String hash(String ns, String name) {
        var annotations = client().apps().deployments().inNamespace(ns).withName(name).get().getSpec().getTemplate()
                .getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(HASH);
    }

    /** Every live Pod of the Deployment came through the webhook (no kubelet: they stay Pending, which is fine). */
    private static boolean allInjected(String ns, String name) {
        var pods = client().pods().inNamespace(ns).withLabel("app", name).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
        return !pods.isEmpty() && pods.stream().allMatch(p -> TestPods.sidecar(p).isPresent());
    }

    private static List<String> events(String profile) {
        return client().v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> profile.equals(e.getInvolvedObject().getName())).map(e -> e.getReason()).toList();
    }
}
