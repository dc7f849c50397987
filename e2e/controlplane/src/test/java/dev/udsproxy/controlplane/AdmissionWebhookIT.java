package dev.udsproxy.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@ControlPlaneTest
class AdmissionWebhookIT {

    private static final String SEEN = "webhook.udsproxy.dev/seen";

    @Test
    void apiServerSendsARealReviewAndAppliesThePatch(ControlPlane plane, KubernetesClient client) throws Exception {
        String namespace = TestNamespaces.create(client, "mutate", Map.of());
        String name = "mutate-" + namespace + ".test.udsproxy.dev";
        try (JvmWebhookServer webhook = new JvmWebhookServer(plane.certificateAuthority(),
                AdmissionWebhookIT::labelWithUid)) {
            AdmissionWebhooks.registerMutating(client, name,
                    webhook.url("/mutate"), plane.certificateAuthority().certificatePem(),
                    List.of(AdmissionWebhooks.rule("", "v1", "pods", "CREATE")), onlyNamespace(namespace), null);

            // The API server picks up webhook configurations asynchronously; dry runs probe that
            // without leaving objects behind (allowed because the webhook has no side effects).
            await().atMost(Duration.ofSeconds(20)).until(() -> client.pods().inNamespace(namespace)
                    .resource(pod("probe")).dryRun().create().getMetadata().getLabels().containsKey(SEEN));
            Pod created = client.pods().inNamespace(namespace).resource(pod("app")).create();

            AdmissionRequest request = webhook.received().getLast().getRequest();
            assertThat(request.getKind().getKind()).isEqualTo("Pod");
            assertThat(request.getOperation()).isEqualTo("CREATE");
            assertThat(request.getNamespace()).isEqualTo(namespace);
            assertThat(request.getDryRun()).isFalse();
            assertThat(request.getUserInfo().getGroups()).contains("system:masters");
            assertThat(created.getMetadata().getLabels()).containsEntry(SEEN, request.getUid());
        } finally {
            client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name).delete();
        }
    }

    @Test
    void denialMessageReachesTheClient(ControlPlane plane, KubernetesClient client) throws Exception {
        String namespace = TestNamespaces.create(client, "deny", Map.of());
        String name = "deny-" + namespace + ".test.udsproxy.dev";
        try (JvmWebhookServer webhook = new JvmWebhookServer(plane.certificateAuthority(),
                review -> new AdmissionResponseBuilder().withAllowed(false)
                        .withStatus(new StatusBuilder().withCode(403).withMessage("udsproxy test says no to "
                                + review.getRequest().getName()).build()).build())) {
            AdmissionWebhooks.registerValidating(client, name,
                    webhook.url("/validate"), plane.certificateAuthority().certificatePem(),
                    List.of(AdmissionWebhooks.rule("", "v1", "configmaps", "CREATE")), onlyNamespace(namespace),
                    null);

            await().atMost(Duration.ofSeconds(20)).until(() -> refused(client, namespace));

            assertThatThrownBy(() -> client.configMaps().inNamespace(namespace).resource(configMap("settings")).create())
                    .isInstanceOf(KubernetesClientException.class)
                    .hasMessageContaining("denied the request: udsproxy test says no to settings");
            assertThat(webhook.received()).last()
                    .satisfies(review -> assertThat(review.getRequest().getKind().getKind()).isEqualTo("ConfigMap"));
            assertThat(client.configMaps().inNamespace(namespace).withName("settings").get()).isNull();
        } finally {
            client.admissionRegistration().v1().validatingWebhookConfigurations().withName(name).delete();
        }
    }

    private static AdmissionResponse labelWithUid(AdmissionReview review) {
        String patch = "[{\"op\":\"add\",\"path\":\"/metadata/labels/" + SEEN.replace("/", "~1") + "\",\"value\":\""
                + review.getRequest().getUid() + "\"}]";
        return new AdmissionResponseBuilder().withAllowed(true).withPatchType("JSONPatch")
                .withPatch(Base64.getEncoder().encodeToString(patch.getBytes(StandardCharsets.UTF_8))).build();
    }

    private static boolean refused(KubernetesClient client, String namespace) {
        try {
            client.configMaps().inNamespace(namespace).resource(configMap("probe")).dryRun().create();
            return false;
        } catch (KubernetesClientException e) {
            return e.getMessage().contains("udsproxy test says no");
        }
    }

    private static LabelSelector onlyNamespace(String namespace) {
        return new LabelSelectorBuilder().addToMatchLabels("kubernetes.io/metadata.name", namespace).build();
    }

    private static Pod pod(String name) {
        return new PodBuilder()
                .withNewMetadata().withName(name).addToLabels("app", name).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("registry.invalid/app:1").endContainer()
                .endSpec().build();
    }

    private static ConfigMap configMap(String name) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata()
                .addToData("key", "value").build();
    }
}
