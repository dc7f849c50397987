package dev.udsproxy.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import org.junit.jupiter.api.Test;

@ControlPlaneTest
class PodSecurityIT {

    private static final Map<String, String> RESTRICTED = Map.of("pod-security.kubernetes.io/enforce", "restricted");

    @Test
    void restrictedNamespaceRefusesAPrivilegedPod(KubernetesClient client) {
        String namespace = TestNamespaces.create(client, "psa", RESTRICTED);
        Pod privileged = new PodBuilder()
                .withNewMetadata().withName("privileged").endMetadata()
                .withNewSpec()
                    .addNewContainer().withName("app").withImage("registry.invalid/app:1")
                        .withNewSecurityContext().withPrivileged(true).endSecurityContext()
                    .endContainer()
                .endSpec()
                .build();

        assertThatThrownBy(() -> client.pods().inNamespace(namespace).resource(privileged).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("violates PodSecurity \"restricted:latest\"")
                .hasMessageContaining("privileged");
        assertThat(client.pods().inNamespace(namespace).list().getItems()).isEmpty();
    }

    @Test
    void restrictedNamespaceAdmitsAPodThatFollowsTheRules(KubernetesClient client) {
        String namespace = TestNamespaces.create(client, "psa", RESTRICTED);
        Pod compliant = new PodBuilder()
                .withNewMetadata().withName("compliant").endMetadata()
                .withNewSpec()
                    .withNewSecurityContext().withRunAsNonRoot(true)
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                    .endSecurityContext()
                    .addNewContainer().withName("app").withImage("registry.invalid/app:1")
                        .withNewSecurityContext().withAllowPrivilegeEscalation(false)
                            .withNewCapabilities().withDrop("ALL").endCapabilities()
                        .endSecurityContext()
                    .endContainer()
                .endSpec()
                .build();

        Pod created = client.pods().inNamespace(namespace).resource(compliant).create();

        assertThat(created.getMetadata().getUid()).isNotBlank();
        // No kubelet, no scheduler: the Pod is stored and waits.
        assertThat(created.getStatus().getPhase()).isEqualTo("Pending");
    }
}
