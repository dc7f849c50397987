package dev.udsproxy.operator.it;

import dev.udsproxy.controlplane.ControlPlane;
import dev.udsproxy.controlplane.ControlPlaneBinaries;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real kube-apiserver + etcd + kube-controller-manager for the operator under test, and
 * the MutatingWebhookConfiguration the chart would install, pointing at the webhook in this
 * JVM by URL. Its caBundle is left empty: setting it is the operator's job.
 */
public class ControlPlaneResource implements QuarkusTestResourceLifecycleManager {
    public static final String OPERATOR_NAMESPACE = "udsproxy-system";
    public static final String CONFIGURATION = "udsproxy-operator";
    private static final List<String> NEVER = List.of("kube-system", "kube-public", OPERATOR_NAMESPACE);

    private static ControlPlane plane;
    private static int webhookPort;

    public static ControlPlane plane() {
        return plane;
    }

    public static String webhookUrl() {
        return "https://127.0.0.1:" + webhookPort + "/mutate-pods";
    }

    @Override
    public Map<String, String> start() {
        plane = ControlPlane.start(ControlPlaneBinaries.locate());
        plane.startControllerManager();
        KubernetesClient client = plane.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(OPERATOR_NAMESPACE)
                .endMetadata().build()).serverSideApply();
        applyCommittedCrds(client);
        webhookPort = freePort();
        client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(
                new MutatingWebhookConfigurationBuilder().withNewMetadata().withName(CONFIGURATION).endMetadata()
                        .withWebhooks(webhooks(webhookUrl())).build()).serverSideApply();

        var config = plane.clientConfig();
        Map<String, String> properties = new HashMap<>();
        properties.put("quarkus.kubernetes-client.api-server-url", config.getMasterUrl());
        properties.put("quarkus.kubernetes-client.ca-cert-data", config.getCaCertData());
        properties.put("quarkus.kubernetes-client.client-cert-data", config.getClientCertData());
        properties.put("quarkus.kubernetes-client.client-key-data", config.getClientKeyData());
        properties.put("quarkus.kubernetes-client.client-key-algo", "EC");
        properties.put("udsproxy.namespace", OPERATOR_NAMESPACE);
        properties.put("udsproxy.webhook.host", "127.0.0.1");
        properties.put("udsproxy.webhook.port", String.valueOf(webhookPort));
        properties.put("udsproxy.webhook.extra-dns-names", "localhost");
        properties.put("udsproxy.webhook.extra-ip-addresses", "127.0.0.1");
        // Short-lived serving certificates: every test runs across live rotations.
        properties.put("udsproxy.webhook.serving-validity", "PT21S");
        properties.put("udsproxy.webhook.check-interval", "PT1S");
        properties.put("udsproxy.catch-up-interval", "PT3S");
        properties.put("quarkus.http.test-port", "0");
        return properties;
    }

    /**
     * As the chart installs them: Pods that opt in by label, and Pods of namespaces that opt
     * in, unless they opt out. Everything else never reaches the webhook, so a webhook that
     * is down blocks only the Pods that asked for it (failurePolicy Fail).
     */
    public static List<MutatingWebhook> webhooks(String url) {
        LabelSelector notSystem = new LabelSelectorBuilder().addNewMatchExpression()
                .withKey("kubernetes.io/metadata.name").withOperator("NotIn").withValues(NEVER).endMatchExpression()
                .build();
        LabelSelector optedInNamespace = new LabelSelectorBuilder(notSystem)
                .addToMatchLabels("udsproxy.dev/injection", "enabled").build();
        return List.of(
                webhook("pods.udsproxy.dev", url, notSystem,
                        new LabelSelectorBuilder().addToMatchLabels("udsproxy.dev/inject", "true").build()),
                webhook("namespaces.udsproxy.dev", url, optedInNamespace,
                        new LabelSelectorBuilder().addNewMatchExpression().withKey("udsproxy.dev/inject")
                                .withOperator("NotIn").withValues("false", "true").endMatchExpression().build()));
    }

    private static MutatingWebhook webhook(String name, String url, LabelSelector namespaces, LabelSelector objects) {
        return new MutatingWebhookBuilder().withName(name)
                .withNewClientConfig().withUrl(url).endClientConfig()
                .addNewRule().withApiGroups("").withApiVersions("v1").withResources("pods")
                .withOperations("CREATE").withScope("Namespaced").endRule()
                .withNamespaceSelector(namespaces).withObjectSelector(objects)
                .withAdmissionReviewVersions("v1").withSideEffects("NoneOnDryRun")
                .withFailurePolicy("Fail").withReinvocationPolicy("IfNeeded").withTimeoutSeconds(5)
                .build();
    }

    /** The CRDs as users install them: the committed files, which CrdsUpToDateIT ties to the Java types. */
    private static void applyCommittedCrds(KubernetesClient client) {
        try (var files = Files.list(Path.of(System.getProperty("basedir", "."), "..", "crds"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yml")).toList()) {
                var crd = client.apiextensions().v1().customResourceDefinitions().load(file.toFile()).serverSideApply();
                client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                        .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions().stream()
                                .anyMatch(k -> k.getType().equals("Established") && k.getStatus().equals("True")),
                                30, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (plane != null) {
            plane.close();
        }
    }
}
