package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.controlplane.ControlPlane;
import dev.udsproxy.controlplane.ControlPlaneTest;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kubectl apply -k examples/<lang>} into the real control plane: the API server stores the
 * Deployment and Service, and the controller manager's Pods pass Pod Security
 * {@code restricted} (before injection; the injected sidecar is the operator's tests' business).
 */
@ControlPlaneTest(controllerManager = true)
class ExamplesInstallIT {

    @ParameterizedTest
    @ValueSource(strings = {"java", "node", "spring-boot", "quarkus"})
    void exampleIsAcceptedAndItsPodsAdmittedUnderRestricted(String example, ControlPlane plane,
            KubernetesClient client) throws Exception {
        String namespace = "example-" + example;
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                .endMetadata().build()).serverSideApply();
        try {
            String output = Kubectl.applyExample(plane, namespace, example);
            assertThat(output).contains("deployment.apps/example-" + example + " serverside-applied",
                    "service/example-" + example + " serverside-applied");

            Awaitility.await("a Pod of example-" + example + " admitted in a restricted namespace")
                    .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .failFast("Pod Security refused the Pod: " + events(client, namespace),
                            () -> events(client, namespace).stream().anyMatch(e -> e.startsWith("FailedCreate")))
                    .untilAsserted(() -> assertThat(client.pods().inNamespace(namespace)
                            .withLabel("app.kubernetes.io/name", "example-" + example).list().getItems())
                            .as("Pods; events: %s", events(client, namespace)).hasSize(1));
        } finally {
            client.namespaces().withName(namespace).delete();
        }
    }

    static List<String> events(KubernetesClient client, String namespace) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .map(e -> e.getReason() + ": " + e.getMessage()).toList();
    }
}
