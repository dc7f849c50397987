package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each example's Deployment opts in and its Service reaches the port the sidecar will take over. */
class ExampleManifestsTest {

    @ParameterizedTest
    @ValueSource(strings = {"java", "node"})
    void deploymentOptsInAndServiceTargetsTheNamedAppPort(String example) throws IOException {
        Rendered manifests = Rendered.parse(Files.readString(Repo.examples().resolve(example + "/deployment.yaml")));
        Deployment deployment = manifests.all(Deployment.class).get(0);
        Service service = manifests.all(Service.class).get(0);

        assertThat(deployment.getMetadata().getAnnotations()).containsEntry("udsproxy.dev/inject", "true");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("udsproxy.dev/inject", "true");
        // The label is what the webhook's objectSelector matches: the first Pods are injected already.
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("udsproxy.dev/inject", "true");
        Container app = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        String targetPort = service.getSpec().getPorts().get(0).getTargetPort().getStrVal();
        assertThat(app.getPorts()).extracting(ContainerPort::getName).contains(targetPort);
        assertThat(service.getSpec().getSelector())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        // The source file the app runs is the one in the folder (kustomize puts it into a ConfigMap).
        assertThat(Files.readString(Repo.examples().resolve(example + "/kustomization.yaml")))
                .contains("example-" + example + "-source");
    }
}
