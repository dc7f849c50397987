package dev.udsproxy.operator.catchup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.operator.injection.InjectionPolicy;
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

        PodCensus census = PodCensus.count(pods, "default", "h2",
                ns -> ns.equals("labelled") ? Map.of("udsproxy.dev/injection", "enabled") : Map.of(),
                new InjectionPolicy("udsproxy-system"));

        assertThat(census.injected()).isEqualTo(1);
        assertThat(census.outdated()).isEqualTo(1);
        assertThat(census.missing()).extracting(p -> p.getMetadata().getName())
                .containsExactly("missing", "missing-by-namespace");
    }
}
