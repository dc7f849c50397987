package dev.udsproxy.operator.catchup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.operator.injection.AdmitPod;
import dev.udsproxy.operator.injection.GoldenContext;
import dev.udsproxy.operator.injection.InjectionStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodCensusTest {
    static Pod pod(String name, String namespace, Map<String, String> annotations, String phase) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).withAnnotations(annotations)
                .endMetadata().withNewSpec().addNewContainer().withName("app").endContainer().endSpec()
                .withNewStatus().withPhase(phase).endStatus().build();
    }

    static String status(String profile, String hash) {
        return new InjectionStatus(profile, hash, "native", "app", 8080, "app.sock").toJson();
    }

    @Test
    void sortsPodsIntoInjectedOutdatedAndMissing() {
        var pods = List.of(
                pod("current", "shop", Map.of("udsproxy.dev/status", status("default", "h2")), "Running"),
                pod("old", "shop", Map.of("udsproxy.dev/status", status("default", "h1")), "Running"),
                pod("other-profile", "shop", Map.of("udsproxy.dev/status", status("fast", "h1")), "Running"),
                pod("missing", "shop", Map.of("udsproxy.dev/inject", "true"), "Pending"),
                pod("missing-by-namespace", "labelled", Map.of(), "Running"),
                pod("opted-out", "labelled", Map.of("udsproxy.dev/inject", "false"), "Running"),
                pod("finished", "shop", Map.of("udsproxy.dev/inject", "true"), "Succeeded"),
                pod("system", "kube-system", Map.of("udsproxy.dev/inject", "true"), "Running"),
                pod("invalid", "shop", Map.of("udsproxy.dev/inject", "yes"), "Running"));

        GoldenContext cluster = new GoldenContext();
        cluster.namespaceLabels.put("labelled", Map.of("udsproxy.dev/injection", "enabled"));
        PodCensus census = PodCensus.count(pods, "default", "h2", new AdmitPod(cluster));

        assertThat(census.injected()).isEqualTo(1);
        assertThat(census.outdated()).isEqualTo(1);
        assertThat(census.missing()).extracting(p -> p.getMetadata().getName())
                .containsExactly("missing", "missing-by-namespace");
    }

    @Test
    void aTerminatingPodIsNotCountedInAnyColumn() {
        var pods = List.of(
                terminating(pod("current", "shop", Map.of("udsproxy.dev/status", status("default", "h2")), "Running")),
                terminating(pod("old", "shop", Map.of("udsproxy.dev/status", status("default", "h1")), "Running")),
                terminating(pod("missing", "shop", Map.of("udsproxy.dev/inject", "true"), "Running")),
                pod("live", "shop", Map.of("udsproxy.dev/status", status("default", "h2")), "Running"));

        PodCensus census = PodCensus.count(pods, "default", "h2", new AdmitPod(new GoldenContext()));

        assertThat(census.injected()).isEqualTo(1);
        assertThat(census.outdated()).isZero();
        assertThat(census.missing()).isEmpty();
    }

    /** What the API server sets on a delete while the kubelet still runs the Pod's grace period. */
    static Pod terminating(Pod pod) {
        pod.getMetadata().setDeletionTimestamp("2026-01-01T10:00:00Z");
        pod.getMetadata().setDeletionGracePeriodSeconds(30L);
        return pod;
    }
}
