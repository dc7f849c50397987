package dev.udsproxy.controlplane;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperationsBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Registers webhooks that the API server calls by URL, as envtest does: the webhook runs in the test
 * JVM on {@code https://127.0.0.1:<port>/...} with a serving certificate from
 * {@link ControlPlane#certificateAuthority()}, whose PEM is the {@code caBundle}.
 */
public final class AdmissionWebhooks {

    private AdmissionWebhooks() {
    }

    /** A rule such as {@code rule("", "v1", "pods", "CREATE")}; group "" is the core group. */
    public static RuleWithOperations rule(String apiGroup, String apiVersion, String resource, String... operations) {
        return new RuleWithOperationsBuilder()
                .withApiGroups(apiGroup).withApiVersions(apiVersion).withResources(resource)
                .withOperations(operations).withScope("*")
                .build();
    }

    /**
     * Creates or replaces a MutatingWebhookConfiguration {@code name} with one webhook (also named
     * {@code name}, so it must look like a DNS name with a dot) that fails closed, has no side effects
     * and times out after 5 s. Selectors may be null (match everything).
     */
    public static MutatingWebhookConfiguration registerMutating(KubernetesClient client, String name, String url,
            String caBundlePem, List<RuleWithOperations> rules, LabelSelector namespaceSelector,
            LabelSelector objectSelector) {
        MutatingWebhookConfiguration configuration = new MutatingWebhookConfigurationBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .addNewWebhook()
                    .withName(name)
                    .withNewClientConfig().withUrl(url).withCaBundle(base64(caBundlePem)).endClientConfig()
                    .withRules(rules)
                    .withNamespaceSelector(namespaceSelector)
                    .withObjectSelector(objectSelector)
                    .withAdmissionReviewVersions("v1")
                    .withSideEffects("None")
                    .withFailurePolicy("Fail")
                    .withReinvocationPolicy("Never")
                    .withTimeoutSeconds(5)
                .endWebhook()
                .build();
        return client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(configuration)
                .forceConflicts().serverSideApply();
    }

    /** As {@link #registerMutating}, for a ValidatingWebhookConfiguration. */
    public static ValidatingWebhookConfiguration registerValidating(KubernetesClient client, String name, String url,
            String caBundlePem, List<RuleWithOperations> rules, LabelSelector namespaceSelector,
            LabelSelector objectSelector) {
        ValidatingWebhookConfiguration configuration = new ValidatingWebhookConfigurationBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .addNewWebhook()
                    .withName(name)
                    .withNewClientConfig().withUrl(url).withCaBundle(base64(caBundlePem)).endClientConfig()
                    .withRules(rules)
                    .withNamespaceSelector(namespaceSelector)
                    .withObjectSelector(objectSelector)
                    .withAdmissionReviewVersions("v1")
                    .withSideEffects("None")
                    .withFailurePolicy("Fail")
                    .withTimeoutSeconds(5)
                .endWebhook()
                .build();
        return client.admissionRegistration().v1().validatingWebhookConfigurations().resource(configuration)
                .forceConflicts().serverSideApply();
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
    }
}
