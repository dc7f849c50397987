package dev.udsproxy.operator.it;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.Map;
import java.util.Optional;

/** Pods and Deployments as users write them: an app that passes Pod Security "restricted" by itself. */
final class TestPods {
    private TestPods() {
    }

    static Container app() {
        return new ContainerBuilder().withName("app").withImage("registry.example/web:1.4")
                .addNewPort().withName("http").withContainerPort(8080).endPort()
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withRunAsNonRoot(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .build();
    }

    static Pod pod(String name, Map<String, String> labels, Map<String, String> annotations) {
        return new PodBuilder().withNewMetadata().withName(name).withLabels(labels).withAnnotations(annotations)
                .endMetadata()
                .withNewSpec().withContainers(app()).endSpec()
                .build();
    }

    static Pod optedIn(String name) {
        return pod(name, Map.of("udsproxy.dev/inject", "true"), Map.of("udsproxy.dev/inject", "true"));
    }

    static Deployment deployment(String name, Map<String, String> annotations, Map<String, String> templateAnnotations) {
        PodTemplateSpec template = new PodTemplateSpecBuilder()
                .withNewMetadata().addToLabels("app", name).withAnnotations(templateAnnotations).endMetadata()
                .withNewSpec().withContainers(app()).endSpec()
                .build();
        return new DeploymentBuilder().withNewMetadata().withName(name).withAnnotations(annotations).endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", name).endSelector()
                .withTemplate(template).endSpec()
                .build();
    }

    static Optional<Container> sidecar(Pod pod) {
        return pod.getSpec().getInitContainers().stream().filter(c -> c.getName().equals("udsproxy")).findFirst()
                .or(() -> pod.getSpec().getContainers().stream().filter(c -> c.getName().equals("udsproxy"))
                        .findFirst());
    }
}
