package dev.udsproxy.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.udsproxy.controlplane.TestNamespaces;
import dev.udsproxy.operator.customresource.CatchUpPolicy;
import dev.udsproxy.operator.customresource.SidecarProfile;
import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Annotated workloads, profiles that change, the CRD's validation, and the catch-up. Needs kube-controller-manager. */
@QuarkusTest
@WithTestResource(ControlPlaneResource.class)
class WorkloadIT {
    static final Duration PATIENCE = Duration.ofSeconds(60);
    /** Long enough for every reaction to a change to land: the reconcilers' writes and the controllers' answers. */
    static final Duration SETTLE = Duration.ofSeconds(10);

    static KubernetesClient client() {
        return ControlPlaneResource.plane().client();
    }

    @Test
    void annotatedDeploymentPodsComeOutInjectedAndAProfileChangeRollsThem() {
        String ns = TestNamespaces.create(client(), "deploy", Map.of());
        String profile = "roll-" + ns;
        createProfile(profile, "registry.example/udsproxy/sidecar:1", CatchUpPolicy.REPORT);

        client().apps().deployments().inNamespace(ns).resource(TestPods.deployment("web",
                Map.of("udsproxy.dev/inject", "true", "udsproxy.dev/profile", profile), Map.of())).create();

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(pods(ns))
                .anySatisfy(p -> assertThat(sidecarImage(p)).isEqualTo("registry.example/udsproxy/sidecar:1")));
        var template = client().apps().deployments().inNamespace(ns).withName("web").get().getSpec().getTemplate();
        assertThat(template.getMetadata().getLabels()).containsEntry("udsproxy.dev/inject", "true");
        String hashBefore = template.getMetadata().getAnnotations().get("udsproxy.dev/profile-hash");
        assertThat(hashBefore).isNotBlank();

        // Unlocked: the reconciler patches the status every few seconds, a locked edit would race it.
        client().resources(SidecarProfile.class).withName(profile).unlock()
                .edit(p -> {
                    p.getSpec().image = "registry.example/udsproxy/sidecar:2";
                    return p;
                });

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(pods(ns))
                .anySatisfy(p -> assertThat(sidecarImage(p)).isEqualTo("registry.example/udsproxy/sidecar:2")));
        assertThat(client().apps().deployments().inNamespace(ns).withName("web").get().getSpec().getTemplate()
                .getMetadata().getAnnotations().get("udsproxy.dev/profile-hash")).isNotEqualTo(hashBefore);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(client().v1().events().inNamespace(ns).list().getItems())
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("OptInApplied")));
    }

    @Test
    void firstOptInRollsTheDeploymentOnceAndItsTemplateKeepsUninjectedPodsUnready() {
        String ns = TestNamespaces.create(client(), "once", Map.of());
        // Not labelled: the first Pods are not sent to the webhook; the operator's opt-in must roll them, once.
        client().apps().deployments().inNamespace(ns).resource(TestPods.deployment("web",
                Map.of("udsproxy.dev/inject", "true"), Map.of())).create();

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(pods(ns))
                .anySatisfy(p -> assertThat(TestPods.sidecar(p)).isPresent()));
        // Absence takes time to show: the reconcilers see the roll's own changes meanwhile.
        await("two ReplicaSets for good (the first Pods', the injected ones'): a third means a second roll")
                .during(SETTLE).atMost(SETTLE.multipliedBy(2)).until(() -> replicaSets(ns) == 2);

        var template = client().apps().deployments().inNamespace(ns).withName("web").get().getSpec().getTemplate();
        assertThat(template.getSpec().getReadinessGates()).as("a Pod created without the webhook never becomes Ready")
                .extracting(g -> g.getConditionType()).containsExactly("udsproxy.dev/injected");
        assertThat(pods(ns)).filteredOn(p -> TestPods.sidecar(p).isPresent()).allSatisfy(p -> assertThat(
                p.getSpec().getReadinessGates()).as("the webhook lifts the gate as it injects").isEmpty());
    }

    @Test
    void optInOfATemplateTheWebhookAlreadyInjectedDoesNotRollIt() {
        String ns = TestNamespaces.create(client(), "norol", Map.of());
        var deployment = TestPods.deployment("web", Map.of("udsproxy.dev/inject", "true"),
                Map.of("udsproxy.dev/inject", "true"));
        deployment.getSpec().getTemplate().getMetadata().getLabels().put("udsproxy.dev/inject", "true");
        client().apps().deployments().inNamespace(ns).resource(deployment).create();

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(pods(ns)).isNotEmpty()
                .allSatisfy(p -> assertThat(TestPods.sidecar(p)).isPresent()));
        await("one ReplicaSet for good: a second means the opt-in rolled Pods that were injected already")
                .during(SETTLE).atMost(SETTLE.multipliedBy(2)).until(() -> replicaSets(ns) == 1);

        assertThat(client().apps().deployments().inNamespace(ns).withName("web").get().getSpec().getTemplate()
                .getMetadata().getAnnotations()).doesNotContainKey("udsproxy.dev/profile-hash");
    }

    private static int replicaSets(String ns) {
        return client().apps().replicaSets().inNamespace(ns).list().getItems().size();
    }

    @Test
    void crdRejectsAnInvalidProfile() {
        var invalid = new GenericKubernetesResourceBuilder().withApiVersion("udsproxy.dev/v1alpha1")
                .withKind("SidecarProfile").withNewMetadata().withName("invalid").endMetadata()
                .addToAdditionalProperties("spec", Map.of("image", "registry.example/udsproxy/sidecar:1",
                        "nativeSidecar", "sometimes", "ports", Map.of("admin", 70000)))
                .build();

        assertThatThrownBy(() -> client().genericKubernetesResources("udsproxy.dev/v1alpha1", "SidecarProfile")
                .resource(invalid).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("spec.nativeSidecar")
                .hasMessageContaining("spec.ports.admin");
    }

    @Test
    void crdAdmitsExactlyTheDurationsTheSidecarAccepts() {
        // What the sidecar refuses with exit 2 (a crash loop in every Pod) is refused here, naming the fields.
        var refused = profileWithTimeouts("refused-durations", "0s", "1234567890s", "10000000000ms");
        assertThatThrownBy(() -> client().genericKubernetesResources("udsproxy.dev/v1alpha1", "SidecarProfile")
                .resource(refused).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("spec.timeouts.connect")
                .hasMessageContaining("spec.timeouts.idle")
                .hasMessageContaining("spec.drain.timeout");
        // The extremes it admits; pod-on-host's ProfileAgreementIT starts the sidecar with them.
        for (String[] extremes : new String[][] {{"1ms", "0s", "0ms"}, {"999999999h", "999999999h", "999999999h"}}) {
            var admitted = profileWithTimeouts("admitted-" + extremes[1].replaceAll("[^0-9a-z]", ""), extremes[0],
                    extremes[1], extremes[2]);
            client().genericKubernetesResources("udsproxy.dev/v1alpha1", "SidecarProfile").resource(admitted).create();
        }
    }

    private static GenericKubernetesResource profileWithTimeouts(String name,
            String connect, String idle, String drain) {
        return new GenericKubernetesResourceBuilder().withApiVersion("udsproxy.dev/v1alpha1")
                .withKind("SidecarProfile").withNewMetadata().withName(name).endMetadata()
                .addToAdditionalProperties("spec", Map.of("image", "registry.example/udsproxy/sidecar:1",
                        "timeouts", Map.of("connect", connect, "idle", idle), "drain", Map.of("timeout", drain)))
                .build();
    }

    @Test
    void podsCreatedBeforeTheOptInAreDeletedAndComeBackInjected() {
        String ns = TestNamespaces.create(client(), "catchup", Map.of());
        String profile = "catchup-" + ns;
        createProfile(profile, "registry.example/udsproxy/sidecar:1", CatchUpPolicy.DELETE);
        client().apps().deployments().inNamespace(ns).resource(TestPods.deployment("late", Map.of(),
                Map.of("udsproxy.dev/profile", profile))).create();
        await().atMost(PATIENCE).until(() -> !pods(ns).isEmpty());
        assertThat(pods(ns)).allSatisfy(p -> assertThat(TestPods.sidecar(p)).isEmpty());

        // The namespace opts in after its Pods exist: only the catch-up can fix them.
        client().namespaces().withName(ns).edit(n -> {
            n.getMetadata().getLabels().put("udsproxy.dev/injection", "enabled");
            return n;
        });

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(pods(ns)).isNotEmpty()
                .allSatisfy(p -> assertThat(TestPods.sidecar(p)).isPresent()));
        // Events are written a moment later, aggregated (EventRecorder).
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(client().v1().events().inNamespace("default").list()
                .getItems()).anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("DeletedForInjection");
                    assertThat(e.getInvolvedObject().getName()).isEqualTo(profile);
                }));
        await().atMost(PATIENCE).untilAsserted(() -> {
            var status = client().resources(SidecarProfile.class).withName(profile).get().getStatus();
            assertThat(status.injectedPods).isPositive();
            assertThat(status.missingPods).isZero();
        });
    }

    /**
     * The catch-up goes through the Eviction API: a PodDisruptionBudget that allows no disruption keeps the Pod (the
     * API server refuses with 429) and the profile says so; once the budget is gone the next round evicts it.
     */
    @Test
    void aPodDisruptionBudgetHoldsAgainstTheCatchUp() {
        String ns = TestNamespaces.create(client(), "budget", Map.of());
        String profile = "budget-" + ns;
        createProfile(profile, "registry.example/udsproxy/sidecar:1", CatchUpPolicy.DELETE);
        client().apps().deployments().inNamespace(ns).resource(TestPods.deployment("guarded", Map.of(),
                Map.of("udsproxy.dev/profile", profile))).create();
        await().atMost(PATIENCE).until(() -> !pods(ns).isEmpty());
        String stray = pods(ns).get(0).getMetadata().getName();
        // No kubelet here: the test reports the Pod Running (not Ready), as a kubelet would. The API server lets a
        // Pending Pod be evicted whatever its budget, so only a running Pod shows the budget holding.
        Pod running = pods(ns).get(0);
        running.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus("False").endCondition().build());
        client().pods().inNamespace(ns).resource(running).updateStatus();
        // minAvailable 1 of 1 (and the Pod never Ready without a kubelet): no disruption is allowed.
        client().policy().v1().podDisruptionBudget().inNamespace(ns).resource(
                new io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder().withNewMetadata()
                        .withName("guarded").endMetadata().withNewSpec()
                        .withMinAvailable(new io.fabric8.kubernetes.api.model.IntOrString(1))
                        .withNewSelector().addToMatchLabels("app", "guarded").endSelector()
                        .endSpec().build()).create();
        client().namespaces().withName(ns).edit(n -> {
            n.getMetadata().getLabels().put("udsproxy.dev/injection", "enabled");
            return n;
        });

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(client().v1().events().inNamespace("default").list()
                .getItems()).anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("EvictionBlocked");
                    assertThat(e.getInvolvedObject().getName()).isEqualTo(profile);
                    assertThat(e.getMessage()).contains(ns + "/" + stray);
                }));
        assertThat(pods(ns)).extracting(p -> p.getMetadata().getName()).as("the Pod the budget guards").contains(stray);

        client().policy().v1().podDisruptionBudget().inNamespace(ns).withName("guarded").delete();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(pods(ns)).isNotEmpty()
                .allSatisfy(p -> assertThat(TestPods.sidecar(p)).isPresent()));
    }

    private static void createProfile(String name, String image, CatchUpPolicy policy) {
        var profile = new SidecarProfile();
        profile.getMetadata().setName(name);
        SidecarProfileSpec spec = new SidecarProfileSpec();
        spec.image = image;
        spec.catchUp = new SidecarProfileSpec.CatchUp();
        spec.catchUp.policy = policy;
        profile.setSpec(spec);
        client().resources(SidecarProfile.class).resource(profile).create();
    }

    private static List<Pod> pods(String ns) {
        return client().pods().inNamespace(ns).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static String sidecarImage(Pod pod) {
        return TestPods.sidecar(pod).map(c -> c.getImage()).orElse(null);
    }
}
