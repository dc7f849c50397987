package dev.udsproxy.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

@ControlPlaneTest
class CustomResourceSchemaIT {

    private static final String CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: gadgets.schema-test.udsproxy.dev
            spec:
              group: schema-test.udsproxy.dev
              scope: Namespaced
              names: {plural: gadgets, singular: gadget, kind: Gadget}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        required: [port]
                        properties:
                          port: {type: integer, minimum: 1, maximum: 65535}
                          mode: {type: string, enum: ["off", "v1", "v2"]}
            """;

    private static final ResourceDefinitionContext GADGETS = new ResourceDefinitionContext.Builder()
            .withGroup("schema-test.udsproxy.dev").withVersion("v1").withPlural("gadgets").withKind("Gadget")
            .withNamespaced(true).build();

    @Test
    void objectBreakingTheSchemaIsRefusedAndAValidOneStored(KubernetesClient client) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
                .load(new java.io.ByteArrayInputStream(CRD.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .item();
        client.resource(crd).forceConflicts().serverSideApply();
        await().atMost(Duration.ofSeconds(30)).until(() -> established(client));
        String namespace = TestNamespaces.create(client, "crd", Map.of());

        GenericKubernetesResource stored = client.genericKubernetesResources(GADGETS).inNamespace(namespace)
                .resource(gadget("good", Map.of("port", 8080, "mode", "v2"))).create();
        assertThat(stored.getMetadata().getUid()).isNotBlank();

        assertThatThrownBy(() -> client.genericKubernetesResources(GADGETS).inNamespace(namespace)
                .resource(gadget("bad", Map.of("port", 70000, "mode", "v3"))).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
                .hasMessageContaining("spec.port")
                .hasMessageContaining("65535")
                .hasMessageContaining("spec.mode")
                .hasMessageContaining("Unsupported value: \"v3\"");
        assertThatThrownBy(() -> client.genericKubernetesResources(GADGETS).inNamespace(namespace)
                .resource(gadget("missing", Map.of("mode", "off"))).create())
                .hasMessageContaining("spec.port: Required value");
        assertThat(client.genericKubernetesResources(GADGETS).inNamespace(namespace).list().getItems())
                .extracting(item -> item.getMetadata().getName())
                .containsExactly("good");
    }

    private static boolean established(KubernetesClient client) {
        CustomResourceDefinition current = client.apiextensions().v1().customResourceDefinitions()
                .withName("gadgets.schema-test.udsproxy.dev").get();
        return current != null && current.getStatus() != null && current.getStatus().getConditions().stream()
                .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
    }

    private static GenericKubernetesResource gadget(String name, Map<String, Object> spec) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("schema-test.udsproxy.dev/v1").withKind("Gadget")
                .withNewMetadata().withName(name).endMetadata()
                .withAdditionalProperties(Map.of("spec", spec))
                .build();
    }
}
