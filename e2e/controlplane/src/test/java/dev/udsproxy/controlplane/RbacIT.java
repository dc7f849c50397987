package dev.udsproxy.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RBAC is really enforced: a user holds exactly what a RoleBinding grants, in its namespace only. */
@ControlPlaneTest
class RbacIT {

    @Test
    void userMayListPodsOnlyWhereARoleBindingAllowsIt(ControlPlane plane, KubernetesClient admin) {
        String granted = TestNamespaces.create(admin, "rbac", Map.of());
        String other = TestNamespaces.create(admin, "rbac", Map.of());
        String user = "system:serviceaccount:" + granted + ":operator";

        try (KubernetesClient asUser = new KubernetesClientBuilder()
                .withConfig(plane.clientConfigAs(user, "system:serviceaccounts")).build()) {
            assertThatThrownBy(() -> asUser.pods().inNamespace(granted).list())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
                    .hasMessageContaining(user);

            admin.rbac().roles().inNamespace(granted).resource(new RoleBuilder()
                    .withNewMetadata().withName("pod-reader").endMetadata()
                    .addNewRule().withApiGroups("").withResources("pods").withVerbs("get", "list").endRule()
                    .build()).create();
            admin.rbac().roleBindings().inNamespace(granted).resource(new RoleBindingBuilder()
                    .withNewMetadata().withName("operator-reads-pods").endMetadata()
                    .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role")
                        .withName("pod-reader").endRoleRef()
                    .addNewSubject().withKind("User").withApiGroup("rbac.authorization.k8s.io").withName(user)
                        .endSubject()
                    .build()).create();

            // The RBAC authorizer reads bindings from an informer: allow it a moment.
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> asUser.pods().inNamespace(granted).list().getItems().isEmpty());
            assertThatThrownBy(() -> asUser.pods().inNamespace(other).list())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
            assertThatThrownBy(() -> asUser.configMaps().inNamespace(granted).list())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
        }
    }
}
