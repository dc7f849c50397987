package dev.udsproxy.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.cli.check.Finding.Level;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import dev.udsproxy.operator.injection.InjectionPolicy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure verdicts of udsproxy check: what users get wrong, and the fix each line names. */
class VerdictsTest {

    @Test
    void aNamespaceLabelOtherThanEnabledOptsNothingInAndSaysSo() {
        var findings = NamespaceVerdict.of("shop", namespace(Map.of("udsproxy.dev/injection", "true",
                "udsproxy.dev/inject", "true")), Set.of("udsproxy-system"));
        assertThat(findings).extracting(Finding::level).containsExactly(Level.FAIL, Level.WARN);
        assertThat(findings.get(0).what()).contains("only \"enabled\" does");
        assertThat(findings.get(0).fix()).isEqualTo("kubectl label namespace shop udsproxy.dev/injection=enabled --overwrite");
        assertThat(findings.get(1).what()).contains("read on Pods and workloads only");
    }

    @Test
    void excludedAndMissingNamespaces() {
        assertThat(NamespaceVerdict.of("udsproxy-system", namespace(Map.of()), Set.of("udsproxy-system")))
                .extracting(Finding::level).containsExactly(Level.WARN);
        assertThat(NamespaceVerdict.of("gone", null, Set.of())).extracting(Finding::level).containsExactly(Level.FAIL);
        assertThat(NamespaceVerdict.of("plain", namespace(Map.of()), Set.of())).extracting(Finding::level)
                .containsExactly(Level.OK);
    }

    @Test
    void anOptedInPodWithoutSidecarFailsAndOneThatDidNotOptInOnlyWarns() {
        Pod optedIn = new PodBuilder().withNewMetadata().withName("p").withNamespace("shop")
                .addToAnnotations("udsproxy.dev/inject", "true").endMetadata()
                .withNewSpec().addNewContainer().withName("app").endContainer().endSpec().build();
        var policy = new InjectionPolicy("udsproxy-system");
        assertThat(PodVerdict.of(optedIn, policy.decide(optedIn, "shop", Map.of()), null))
                .singleElement().satisfies(f -> {
                    assertThat(f.level()).isEqualTo(Level.FAIL);
                    assertThat(f.what()).contains("opted in").contains("has no sidecar");
                });
        Pod plain = new PodBuilder(optedIn).editMetadata().withAnnotations(Map.of()).endMetadata().build();
        assertThat(PodVerdict.of(plain, policy.decide(plain, "shop", Map.of()), null))
                .extracting(Finding::level).containsExactly(Level.WARN);
    }

    @Test
    void aSidecarThatIsNotReadyNamesTheSidecarsReason() {
        Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("shop")
                .addToAnnotations("udsproxy.dev/status", "{\"profile\":\"default\",\"hash\":\"x\",\"mode\":\"native\","
                        + "\"container\":\"app\",\"port\":8080,\"socket\":\"app.sock\"}").endMetadata()
                .withNewSpec().addNewInitContainer().withName("udsproxy").endInitContainer()
                .addNewContainer().withName("app").endContainer().endSpec()
                .withNewStatus().addNewInitContainerStatus().withName("udsproxy").withReady(false).withNewState()
                .withNewRunning().endRunning().endState().endInitContainerStatus().endStatus().build();
        var findings = PodVerdict.of(pod, new InjectionPolicy("udsproxy-system").decide(pod, "shop", Map.of()),
                "upstream unix:/var/run/udsproxy/app.sock: Permission denied\n");
        assertThat(findings).extracting(Finding::level).containsExactly(Level.OK, Level.FAIL);
        assertThat(findings.get(1).what()).endsWith("/readyz says \"upstream unix:/var/run/udsproxy/app.sock:"
                + " Permission denied\"");
        assertThat(findings.get(1).fix()).contains("0660");
    }

    @Test
    void renderedLinesStartWithTheirLevel() {
        assertThat(Finding.ok("fine").render()).isEqualTo("ok    fine");
        assertThat(Finding.fail("broken", "mend it").render()).isEqualTo("fail  broken\n      fix: mend it");
        assertThat(List.of(Level.values())).extracting(Level::label).containsExactly("ok", "warn", "fail");
    }

    private static Namespace namespace(Map<String, String> labels) {
        return new NamespaceBuilder().withNewMetadata().withName("n").withLabels(labels).endMetadata().build();
    }
}
