package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.controlplane.ControlPlane;
import dev.udsproxy.controlplane.ControlPlaneTest;
import dev.udsproxy.operator.injection.InjectionPolicy;
import dev.udsproxy.operator.injection.InvalidAnnotationException;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fail closed for opted-in Pods, seen from the real API server with the webhook down (no operator behind its
 * Service). The chart's ValidatingAdmissionPolicy must refuse exactly the Pods the webhook would have injected: those
 * the API server sends to the webhook (observed with failurePolicy Fail, as ChartWebhookSelectorsIT does) and that
 * the operator's own InjectionPolicy injects (or refuses for an invalid opt-in). Every other Pod is admitted.
 */
// The controller manager creates each namespace's default ServiceAccount, without which no Pod is admitted.
@ControlPlaneTest(controllerManager = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartFailClosedIT {

    static final String NAMESPACE = "udsproxy-closed";
    static final String RELEASE = "closed";
    static final String WEBHOOK = RELEASE + "-udsproxy-operator-webhook";
    static final String PLAIN = "closed-plain";
    static final String ENABLED = "closed-enabled";
    static final String LEGACY = "closed-legacy";
    static final String INJECT = "udsproxy.dev/inject";

    record Case(String name, String namespace, Map<String, String> labels, Map<String, String> annotations,
            UnaryOperator<PodBuilder> more) {
        Case(String name, String namespace, Map<String, String> labels, Map<String, String> annotations) {
            this(name, namespace, labels, annotations, b -> b);
        }

        Pod pod() {
            return more.apply(new PodBuilder().withNewMetadata().withName("probe").withNamespace(namespace)
                    .addToLabels(labels).addToAnnotations(annotations).endMetadata().withNewSpec()
                    .addNewContainer().withName("app").withImage("registry.k8s.io/pause:3.10").endContainer()
                    .endSpec()).build();
        }
    }

    static final List<Case> CASES = List.of(
            new Case("plain", PLAIN, Map.of(), Map.of()),
            new Case("labelled", PLAIN, Map.of(INJECT, "true"), Map.of()),
            new Case("labelled, annotation opts out", PLAIN, Map.of(INJECT, "true"), Map.of(INJECT, "false")),
            new Case("label opts out in an enabled namespace", ENABLED, Map.of(INJECT, "false"), Map.of()),
            new Case("annotation alone", PLAIN, Map.of(), Map.of(INJECT, "true")),
            new Case("enabled namespace", ENABLED, Map.of(), Map.of()),
            new Case("enabled namespace, annotation opts out", ENABLED, Map.of(), Map.of(INJECT, "false")),
            new Case("enabled namespace, invalid label", ENABLED, Map.of(INJECT, "yes"), Map.of()),
            new Case("labelled, invalid annotation", PLAIN, Map.of(INJECT, "true"), Map.of(INJECT, "yes")),
            new Case("invalid label", PLAIN, Map.of(INJECT, "yes"), Map.of()),
            new Case("labelled, already injected", PLAIN, Map.of(INJECT, "true"),
                    Map.of("udsproxy.dev/status", "{}")),
            new Case("labelled, has a udsproxy container", PLAIN, Map.of(INJECT, "true"), Map.of(),
                    b -> b.editSpec().addNewContainer().withName("udsproxy").withImage("registry.k8s.io/pause:3.10")
                            .endContainer().endSpec()),
            new Case("labelled, hostNetwork", PLAIN, Map.of(INJECT, "true"), Map.of(),
                    b -> b.editSpec().withHostNetwork(true).endSpec()),
            new Case("enabled namespace, readiness gate", ENABLED, Map.of(), Map.of(),
                    b -> b.editSpec().addNewReadinessGate().withConditionType("udsproxy.dev/injected")
                            .endReadinessGate().endSpec()),
            new Case("labelled in an excluded namespace", LEGACY, Map.of(INJECT, "true"), Map.of()),
            new Case("labelled in kube-system", "kube-system", Map.of(INJECT, "true"), Map.of()),
            new Case("labelled in kube-node-lease", "kube-node-lease", Map.of(INJECT, "true"), Map.of()),
            new Case("labelled in the release namespace", NAMESPACE, Map.of(INJECT, "true"), Map.of()));

    /** Written down as well, so that the two oracles cannot agree on a mistake unseen. */
    static final Set<String> REFUSED = Set.of("labelled", "enabled namespace", "enabled namespace, invalid label",
            "labelled, invalid annotation", "enabled namespace, readiness gate");
    static final Set<String> REFUSED_TOO_WITH_MATCH_ALL_PODS = Set.of("annotation alone", "invalid label");

    final Helm helm = Helm.locate();
    final ControlPlane plane;
    final KubernetesClient client;
    final InjectionPolicy policy = new InjectionPolicy(NAMESPACE, List.of(LEGACY));

    ChartFailClosedIT(ControlPlane plane) {
        this.plane = plane;
        // No retries: a refusal by a failing webhook is an HTTP 500, which fabric8 would retry for ~20 s.
        this.client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(plane.clientConfig())
                .withRequestRetryBackoffLimit(0).build()).build();
    }

    @BeforeAll
    void namespaces() {
        namespace(NAMESPACE, Map.of());
        namespace(PLAIN, Map.of());
        namespace(ENABLED, Map.of("udsproxy.dev/injection", "enabled"));
        namespace(LEGACY, Map.of("udsproxy.dev/injection", "enabled"));
        for (String ns : List.of(NAMESPACE, PLAIN, ENABLED, LEGACY, "kube-system", "kube-node-lease")) {
            Awaitility.await("ServiceAccount " + ns + "/default").atMost(Duration.ofSeconds(60))
                    .until(() -> client.serviceAccounts().inNamespace(ns).withName("default").get() != null);
        }
    }

    @AfterAll
    void uninstall() {
        uninstallRelease();
        // The API server drops the policy from its cache a moment after the object is gone; the next test class
        // shares this API server, and its opted-in Pods must not meet a policy with no webhook behind it.
        Awaitility.await("the API server forgets the uninstalled policy and webhook").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).until(() -> refusal(CASES.get(1)).isEmpty());
        for (String ns : List.of(NAMESPACE, PLAIN, ENABLED, LEGACY)) {
            client.namespaces().withName(ns).delete();
        }
        client.close();
    }

    @ParameterizedTest(name = "matchAllPods={0}")
    @ValueSource(booleans = {false, true})
    void withTheWebhookDownExactlyThePodsItWouldHaveInjectedAreRefusedWithWhatToDo(boolean matchAllPods) {
        // What the API server sends to the webhook: with failurePolicy Fail and no endpoints, those are refused. The
        // chart keeps the matchAllPods entry Ignore whatever the value says; here it is made Fail by hand to be seen.
        install(matchAllPods, "Fail", false);
        var configuration = client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(WEBHOOK);
        configuration.edit(c -> {
            c.getWebhooks().forEach(w -> w.setFailurePolicy("Fail"));
            return c;
        });
        awaitState(matchAllPods, "failed calling webhook");
        Map<String, Boolean> sent = new LinkedHashMap<>();
        for (Case c : CASES) {
            sent.put(c.name(), refusal(c).filter(m -> m.contains("failed calling webhook")).isPresent());
        }

        // The chart's defaults, installed afresh: the entries Ignore, the policy refuses.
        install(matchAllPods, "Ignore", true);
        awaitState(matchAllPods, "opted in to udsproxy but not injected");
        Set<String> refused = new TreeSet<>();
        List<String> disagreements = new ArrayList<>();
        for (Case c : CASES) {
            Optional<String> refusal = refusal(c);
            boolean expected = sent.get(c.name()) && operatorWouldInjectOrRefuse(c);
            if (refusal.isPresent() != expected) {
                disagreements.add(c.name() + ": " + (refusal.isPresent() ? "refused (" + refusal.get() + ")"
                        : "admitted") + ", but sent to the webhook=" + sent.get(c.name())
                        + " and the operator injects or refuses=" + operatorWouldInjectOrRefuse(c));
            }
            refusal.ifPresent(message -> {
                refused.add(c.name());
                assertThat(message).as(c.name()).contains("the udsproxy webhook (Service " + WEBHOOK
                        + " in namespace " + NAMESPACE + ") did not answer").contains("udsproxy.dev/inject=false");
                if (c.name().contains("invalid")) {
                    assertThat(message).as(c.name()).contains("udsproxy.dev/inject is \"yes\"");
                }
                assertThat(message.contains("remove its readiness gate udsproxy.dev/injected")).as(c.name())
                        .isEqualTo(c.name().contains("readiness gate"));
            });
        }
        assertThat(disagreements).as("the policy against the webhook's selectors and InjectionPolicy").isEmpty();
        Set<String> written = new TreeSet<>(REFUSED);
        if (matchAllPods) {
            written.addAll(REFUSED_TOO_WITH_MATCH_ALL_PODS);
        }
        assertThat(refused).isEqualTo(written);
    }

    void uninstallRelease() {
        helm.run(List.of("uninstall", RELEASE, "--namespace", NAMESPACE, "--ignore-not-found", "--kubeconfig",
                plane.kubeconfig().toString()), Map.of());
    }

    void install(boolean matchAllPods, String failurePolicy, boolean refuse) {
        uninstallRelease();
        helm.run(List.of("install", RELEASE, Repo.chart().toString(), "--namespace", NAMESPACE,
                "--set", "webhook.failurePolicy=" + failurePolicy, "--set", "webhook.refuseUninjectedPods=" + refuse,
                "--set", "webhook.matchAllPods=" + matchAllPods, "--set", "webhook.timeoutSeconds=2",
                "--set", "webhook.excludedNamespaces={" + LEGACY + "}", "--set", "defaultProfile.create=false",
                "--kubeconfig", plane.kubeconfig().toString()), Map.of()).requireSuccess();
    }

    /** Admission configuration reaches the API server's caches a moment after it is stored. */
    void awaitState(boolean matchAllPods, String refusedWith) {
        Case labelled = CASES.get(1);
        Case annotationAlone = CASES.get(4);
        Awaitility.await("the API server refuses with \"" + refusedWith + "\", matchAllPods=" + matchAllPods)
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> refusal(labelled).filter(m -> m.contains(refusedWith)).isPresent()
                        && refusal(annotationAlone).filter(m -> m.contains(refusedWith)).isPresent() == matchAllPods);
    }

    boolean operatorWouldInjectOrRefuse(Case c) {
        Map<String, String> labels = Optional.ofNullable(client.namespaces().withName(c.namespace()).get()
                .getMetadata().getLabels()).orElse(Map.of());
        try {
            return policy.decide(c.pod(), c.namespace(), labels).inject();
        } catch (InvalidAnnotationException e) {
            return true; // the webhook refuses it
        }
    }

    /** The API server's refusal of a dry-run creation, or empty when it admits the Pod. */
    Optional<String> refusal(Case c) {
        try {
            client.pods().inNamespace(c.namespace()).resource(c.pod()).dryRun().create();
            return Optional.empty();
        } catch (KubernetesClientException e) {
            return Optional.of(e.getMessage());
        }
    }

    void namespace(String name, Map<String, String> labels) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                .addToLabels(labels).endMetadata().build()).serverSideApply();
    }
}
