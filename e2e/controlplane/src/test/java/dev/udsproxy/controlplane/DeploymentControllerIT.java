package dev.udsproxy.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@ControlPlaneTest(controllerManager = true)
class DeploymentControllerIT {

    @Test
    void deploymentBecomesAReplicaSetAndPendingPods(ControlPlane plane, KubernetesClient client) {
        assertThat(plane.controllerManagerRunning()).isTrue();
        String namespace = TestNamespaces.create(client, "deploy", Map.of());
        Deployment deployment = new DeploymentBuilder()
                .withNewMetadata().withName("web").endMetadata()
                .withNewSpec()
                    .withReplicas(2)
                    .withNewSelector().addToMatchLabels("app", "web").endSelector()
                    .withNewTemplate()
                        .withNewMetadata().addToLabels("app", "web").endMetadata()
                        .withNewSpec()
                            .addNewContainer().withName("app").withImage("registry.invalid/web:1").endContainer()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();

        Deployment created = client.apps().deployments().inNamespace(namespace).resource(deployment).create();

        List<Pod> pods = await().atMost(Duration.ofSeconds(30)).until(
                () -> client.pods().inNamespace(namespace).withLabel("app", "web").list().getItems(),
                list -> list.size() == 2);
        List<ReplicaSet> sets = client.apps().replicaSets().inNamespace(namespace).list().getItems();
        assertThat(sets).hasSize(1);
        assertThat(sets.get(0).getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(owner -> assertThat(owner.getUid()).isEqualTo(created.getMetadata().getUid()));
        assertThat(pods).allSatisfy(pod -> {
            assertThat(pod.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(owner -> assertThat(owner.getUid()).isEqualTo(sets.get(0).getMetadata().getUid()));
            assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
            assertThat(pod.getSpec().getNodeName()).as("no scheduler runs").isNull();
        });
    }
}
