package dev.udsproxy.operator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadOptInTest {
    static final WorkloadOptIn.Cluster INJECTABLE = new WorkloadOptIn.Cluster(true, (profile, hash) -> false);
    static final String GATE = "udsproxy.dev/injected";

    static ObjectMeta meta(Map<String, String> labels, Map<String, String> annotations) {
        return new ObjectMetaBuilder().withLabels(labels).withAnnotations(annotations).build();
    }

    static PodTemplateSpec template(Map<String, String> labels, Map<String, String> annotations,
            String... gates) {
        return new PodTemplateSpecBuilder().withMetadata(meta(labels, annotations)).withNewSpec()
                .withReadinessGates(java.util.Arrays.stream(gates).map(PodReadinessGate::new).toList())
                .endSpec().build();
    }

    static PodTemplateSpec template(WorkloadOptIn.TemplateOptIn t) {
        return template(t.labels(), t.annotations(),
                t.readinessGates().stream().map(PodReadinessGate::getConditionType).toArray(String[]::new));
    }

    @Test
    void optedInWorkloadGetsLabelAnnotationProfileHashAndReadinessGateOnItsTemplateInOneWrite() {
        var desired = WorkloadOptIn.desired(meta(Map.of(), Map.of("udsproxy.dev/inject", "true")),
                template(Map.of("app", "web"), Map.of(), "example.com/lb-ready"),
                profile -> profile.equals("default") ? "abc" : null, INJECTABLE);

        assertThat(desired).hasValueSatisfying(t -> {
            assertThat(t.labels()).containsEntry("app", "web").containsEntry("udsproxy.dev/inject", "true");
            assertThat(t.annotations()).containsEntry("udsproxy.dev/inject", "true")
                    .containsEntry("udsproxy.dev/profile-hash", "abc");
            assertThat(t.readinessGates()).extracting(PodReadinessGate::getConditionType)
                    .containsExactly("example.com/lb-ready", GATE);
        });
    }

    @Test
    void noReadinessGateWhereTheWebhookWouldNotInjectOrItWouldNeverBeLifted() {
        var notInjectable = new WorkloadOptIn.Cluster(false, (profile, hash) -> false);

        var desired = WorkloadOptIn.desired(meta(Map.of(), Map.of("udsproxy.dev/inject", "true")),
                template(Map.of("app", "web"), Map.of(), GATE), p -> "abc", notInjectable);

        assertThat(desired).hasValueSatisfying(t -> assertThat(t.readinessGates()).isEmpty());
    }

    @Test
    void templateLabelledByTheUserWhosePodsAreInjectedWithTheCurrentProfileIsLeftAsItIs() {
        var workload = meta(Map.of(), Map.of("udsproxy.dev/inject", "true"));
        var labelled = template(Map.of("app", "web", "udsproxy.dev/inject", "true"),
                Map.of("udsproxy.dev/inject", "true"));

        assertThat(WorkloadOptIn.desired(workload, labelled, p -> "h1",
                new WorkloadOptIn.Cluster(true, (profile, hash) -> profile.equals("default") && hash.equals("h1"))))
                .as("Pods injected with the current profile: writing would only roll the workload").isEmpty();
        assertThat(WorkloadOptIn.desired(workload, labelled, p -> "h2",
                new WorkloadOptIn.Cluster(true, (profile, hash) -> hash.equals("h1"))))
                .as("Pods outdated or without the sidecar: one write, one roll").hasValueSatisfying(t -> {
                    assertThat(t.annotations()).containsEntry("udsproxy.dev/profile-hash", "h2");
                    assertThat(t.readinessGates()).extracting(PodReadinessGate::getConditionType).containsExactly(GATE);
                });
    }

    @Test
    void secondPassChangesNothingAndANewHashChangesTheTemplate() {
        var workload = meta(Map.of(), Map.of("udsproxy.dev/inject", "true", "udsproxy.dev/profile", "fast"));
        var first = WorkloadOptIn.desired(workload, template(Map.of(), Map.of()), p -> "h1", INJECTABLE).orElseThrow();
        // Once we wrote the hash, the Pods' hashes are not asked again: the template's hash is the truth.
        var always = new WorkloadOptIn.Cluster(true, (profile, hash) -> true);

        assertThat(WorkloadOptIn.desired(workload, template(first), p -> "h1", INJECTABLE)).isEmpty();
        assertThat(WorkloadOptIn.desired(workload, template(first), p -> "h2", always)).hasValueSatisfying(
                t -> assertThat(t.annotations()).containsEntry("udsproxy.dev/profile-hash", "h2")
                        .containsEntry("udsproxy.dev/profile", "fast"));
    }

    @Test
    void removingTheAnnotationUndoesWhatWeWroteAndFalseOptsOut() {
        var managed = template(Map.of("app", "web", "udsproxy.dev/inject", "true"),
                Map.of("udsproxy.dev/inject", "true", "udsproxy.dev/profile-hash", "h1"), GATE);

        assertThat(WorkloadOptIn.desired(meta(Map.of(), Map.of()), managed, p -> "h1", INJECTABLE))
                .hasValueSatisfying(t -> {
                    assertThat(t.labels()).containsOnlyKeys("app");
                    assertThat(t.annotations()).isEmpty();
                    assertThat(t.readinessGates()).isEmpty();
                });
        assertThat(WorkloadOptIn.desired(meta(Map.of(), Map.of("udsproxy.dev/inject", "false")), managed, p -> "h1",
                INJECTABLE)).hasValueSatisfying(t -> {
                    assertThat(t.labels()).containsOnlyKeys("app");
                    assertThat(t.annotations()).containsOnly(Map.entry("udsproxy.dev/inject", "false"));
                    assertThat(t.readinessGates()).isEmpty();
                });
    }

    @Test
    void workloadsThatNeverAskedAreLeftAlone() {
        assertThat(WorkloadOptIn.desired(meta(Map.of(), Map.of()), template(Map.of("app", "web"), Map.of()),
                p -> "h", INJECTABLE)).isEmpty();
    }
}
