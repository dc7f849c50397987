package dev.udsproxy.operator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadOptInTest {
    static ObjectMeta meta(Map<String, String> labels, Map<String, String> annotations) {
        return new ObjectMetaBuilder().withLabels(labels).withAnnotations(annotations).build();
    }

    @Test
    void optedInWorkloadGetsLabelAnnotationAndProfileHashOnItsTemplate() {
        var desired = WorkloadOptIn.desired(meta(Map.of(), Map.of("udsproxy.dev/inject", "true")),
                meta(Map.of("app", "web"), Map.of()), profile -> profile.equals("default") ? "abc" : null);

        assertThat(desired).hasValueSatisfying(t -> {
            assertThat(t.labels()).containsEntry("app", "web").containsEntry("udsproxy.dev/inject", "true");
            assertThat(t.annotations()).containsEntry("udsproxy.dev/inject", "true")
                    .containsEntry("udsproxy.dev/profile-hash", "abc");
        });
    }

    @Test
    void secondPassChangesNothingAndANewHashChangesTheTemplate() {
        var workload = meta(Map.of(), Map.of("udsproxy.dev/inject", "true", "udsproxy.dev/profile", "fast"));
        var first = WorkloadOptIn.desired(workload, meta(Map.of(), Map.of()), p -> "h1").orElseThrow();
        var template = meta(first.labels(), first.annotations());

        assertThat(WorkloadOptIn.desired(workload, template, p -> "h1")).isEmpty();
        assertThat(WorkloadOptIn.desired(workload, template, p -> "h2")).hasValueSatisfying(
                t -> assertThat(t.annotations()).containsEntry("udsproxy.dev/profile-hash", "h2")
                        .containsEntry("udsproxy.dev/profile", "fast"));
    }

    @Test
    void removingTheAnnotationUndoesWhatWeWroteAndFalseOptsOut() {
        var managed = meta(Map.of("app", "web", "udsproxy.dev/inject", "true"),
                Map.of("udsproxy.dev/inject", "true", "udsproxy.dev/profile-hash", "h1"));

        assertThat(WorkloadOptIn.desired(meta(Map.of(), Map.of()), managed, p -> "h1")).hasValueSatisfying(t -> {
            assertThat(t.labels()).containsOnlyKeys("app");
            assertThat(t.annotations()).isEmpty();
        });
        assertThat(WorkloadOptIn.desired(meta(Map.of(), Map.of("udsproxy.dev/inject", "false")), managed, p -> "h1"))
                .hasValueSatisfying(t -> {
                    assertThat(t.labels()).containsOnlyKeys("app");
                    assertThat(t.annotations()).containsOnly(Map.entry("udsproxy.dev/inject", "false"));
                });
    }

    @Test
    void workloadsThatNeverAskedAreLeftAlone() {
        assertThat(WorkloadOptIn.desired(meta(Map.of(), Map.of()), meta(Map.of("app", "web"), Map.of()), p -> "h"))
                .isEmpty();
    }
}
