package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.udsproxy.controlplane.ControlPlane;
import dev.udsproxy.controlplane.ControlPlaneTest;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Which Pods the API server sends to the chart's webhook, seen from the API server itself. The release
 * runs with {@code failurePolicy: Fail} and no operator behind its Service, so a Pod that is sent to
 * the webhook is refused ("failed calling webhook") and a Pod that is not is admitted (dry run).
 */
// The controller manager creates each namespace's default ServiceAccount, without which no Pod is admitted.
@ControlPlaneTest(controllerManager = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartWebhookSelectorsIT {

    static final String NAMESPACE = "udsproxy-selectors";
    static final String RELEASE = "sel";
    static final String PLAIN = "team-plain";
    static final String ENABLED = "team-enabled";

    final Helm helm = Helm.locate();
    final ControlPlane plane;
    final KubernetesClient client;

    ChartWebhookSelectorsIT(ControlPlane plane) {
        this.plane = plane;
        // No retries: a refusal by a failing webhook is an HTTP 500, which fabric8 would retry for ~20 s.
        this.client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(plane.clientConfig())
                .withRequestRetryBackoffLimit(0).build()).build();
    }

    @BeforeAll
    void install() {
        namespace(NAMESPACE, Map.of());
        namespace(PLAIN, Map.of());
        namespace(ENABLED, Map.of("udsproxy.dev/injection", "enabled"));
        namespace("legacy", Map.of("udsproxy.dev/injection", "enabled"));
        for (String ns : List.of(NAMESPACE, PLAIN, ENABLED, "legacy", "kube-system")) {
            Awaitility.await("ServiceAccount " + ns + "/default").atMost(Duration.ofSeconds(60))
                    .until(() -> client.serviceAccounts().inNamespace(ns).withName("default").get() != null);
        }
        helm.run(List.of("install", RELEASE, Repo.chart().toString(), "--namespace", NAMESPACE,
                "--set", "webhook.failurePolicy=Fail", "--set", "webhook.timeoutSeconds=2",
                "--set", "webhook.excludedNamespaces={legacy}", "--set", "defaultProfile.create=false",
                "--kubeconfig", plane.kubeconfig().toString()), Map.of()).requireSuccess();
    }

    @AfterAll
    void uninstall() {
        helm.run(List.of("uninstall", RELEASE, "--namespace", NAMESPACE, "--kubeconfig",
                plane.kubeconfig().toString()), Map.of());
        for (String ns : List.of(NAMESPACE, PLAIN, ENABLED, "legacy")) {
            client.namespaces().withName(ns).delete();
        }
        client.close();
    }

    @Test
    void podThatDidNotOptInIsNeverSentToTheWebhook() {
        assertAdmitted(pod(PLAIN, Map.of()));
    }

    @Test
    void podLabelledForInjectionIsSentToTheLabelledEntry() {
        assertSentTo("labelled.pods.udsproxy.dev", pod(PLAIN, Map.of("udsproxy.dev/inject", "true")));
    }

    @Test
    void podInAnEnabledNamespaceIsSentToTheNamespaceEntry() {
        assertSentTo("namespace.pods.udsproxy.dev", pod(ENABLED, Map.of()));
    }

    @Test
    void podThatOptsOutInAnEnabledNamespaceIsNotSent() {
        assertAdmitted(pod(ENABLED, Map.of("udsproxy.dev/inject", "false")));
    }

    @Test
    void excludedNamespacesAreNeverSentEvenWhenLabelled() {
        assertAdmitted(pod("kube-system", Map.of("udsproxy.dev/inject", "true")));
        assertAdmitted(pod(NAMESPACE, Map.of("udsproxy.dev/inject", "true")));
        assertAdmitted(pod("legacy", Map.of("udsproxy.dev/inject", "true")));
    }

    void assertAdmitted(Pod pod) {
        Pod admitted = client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).dryRun().create();
        assertThat(admitted.getMetadata().getNamespace()).isEqualTo(pod.getMetadata().getNamespace());
    }

    void assertSentTo(String webhook, Pod pod) {
        assertThatThrownBy(() -> client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod)
                .dryRun().create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("failed calling webhook \"" + webhook + "\"");
    }

    void namespace(String name, Map<String, String> labels) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                .addToLabels(labels).endMetadata().build()).serverSideApply();
    }

    static Pod pod(String namespace, Map<String, String> labels) {
        return new PodBuilder().withNewMetadata().withName("probe").withNamespace(namespace).addToLabels(labels)
                .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("registry.k8s.io/pause:3.10")
                .endContainer().endSpec().build();
    }
}
