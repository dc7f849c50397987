package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.udsproxy.controlplane.ControlPlane;
import dev.udsproxy.controlplane.ControlPlaneTest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code helm install} of udsproxy-crds and then the operator chart into the real control plane: the API server stores every object of the release
 * (CRD schema, RBAC, webhook configuration, the default SidecarProfile against the CRD), and the
 * controller manager's ReplicaSet gets the operator's Pods admitted in a namespace that enforces
 * Pod Security {@code restricted}. There is no kubelet: Pods are admitted and stay Pending.
 */
@ControlPlaneTest(controllerManager = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartInstallIT {

    static final String NAMESPACE = "udsproxy-system";
    static final String RELEASE = "uds";

    final Helm helm = Helm.locate();
    final ControlPlane plane;
    final KubernetesClient client;
    Rendered release;
    String installOutput;

    ChartInstallIT(ControlPlane plane, KubernetesClient client) {
        this.plane = plane;
        this.client = client;
    }

    Helm.Result helm(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--kubeconfig", plane.kubeconfig().toString()));
        return helm.run(all, Map.of());
    }

    @BeforeAll
    void install() throws Exception {
        try (var crds = Files.list(Repo.root().resolve("crds"))) {
            assertThat(crds.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).count())
                    .as("CRD files in crds/ (generated and committed by the operator build)").isPositive();
        }
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                .addToLabels("pod-security.kubernetes.io/enforce-version", "latest")
                .endMetadata().build()).serverSideApply();
        CrdChart.install(helm, plane);
        installOutput = helm("install", RELEASE, Repo.chart().toString(), "--namespace", NAMESPACE, "--timeout", "2m")
                .requireSuccess().stdout();
        release = Rendered.parse(helm("get", "manifest", RELEASE, "--namespace", NAMESPACE)
                .requireSuccess().stdout());
    }

    @AfterAll
    void uninstall() {
        if (release != null) {
            helm("uninstall", RELEASE, "--namespace", NAMESPACE, "--timeout", "2m").requireSuccess();
        }
        client.namespaces().withName(NAMESPACE).delete();
    }

    @Test
    void apiServerStoresEveryObjectOfTheRelease() {
        assertThat(release.all()).extracting(HasMetadata::getKind)
                .contains("Deployment", "MutatingWebhookConfiguration", "ClusterRole", "Role", "Service",
                        "ServiceAccount", "PodDisruptionBudget", "SidecarProfile");
        for (HasMetadata object : release.all()) {
            assertThat(client.resource(object).get())
                    .as("%s/%s stored by the API server", object.getKind(), object.getMetadata().getName())
                    .isNotNull();
        }
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
                .withName("sidecarprofiles.udsproxy.dev").get();
        assertThat(crd).as("the CRD of the udsproxy-crds release").isNotNull();
        assertThat(crd.getMetadata().getAnnotations()).as("crds keep=true: helm uninstall leaves the CRD")
                .containsEntry("helm.sh/resource-policy", "keep");
        assertThat(crd.getStatus().getConditions())
                .anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Established=True"));
        assertThat(helm("status", RELEASE, "--namespace", NAMESPACE).requireSuccess().stdout())
                .contains("STATUS: deployed");
    }

    @Test
    void operatorPodsAreAdmittedUnderPodSecurityRestricted() {
        Deployment deployment = release.all(Deployment.class).get(0);
        Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();

        Awaitility.await("the operator's ReplicaSet creates both Pods in the restricted namespace")
                .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .failFast("the ReplicaSet reports FailedCreate", () -> !failedCreate().isEmpty())
                .until(() -> client.pods().inNamespace(NAMESPACE).withLabels(selector).list().getItems().size() == 2);
        assertThat(failedCreate()).isEmpty();
    }

    @Test
    void upgradeKeepsTheCaBundleTheOperatorWrote() {
        // As the operator does: the caBundle of every entry, which the chart itself never knows.
        String caBundle = java.util.Base64.getEncoder().encodeToString(
                plane.certificateAuthority().certificatePem().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        var configurations = client.admissionRegistration().v1().mutatingWebhookConfigurations()
                .withName("uds-udsproxy-operator-webhook");
        configurations.edit(c -> {
            c.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(caBundle));
            return c;
        });

        // An upgrade that adds an entry (matchAllPods: one for every other Pod besides the two selective ones):
        // the new entry must not start without a caBundle, or admissions fail until the operator's next check.
        helm("upgrade", RELEASE, Repo.chart().toString(), "--namespace", NAMESPACE, "--reuse-values",
                "--set", "webhook.timeoutSeconds=7", "--set", "webhook.matchAllPods=true").requireSuccess();

        assertThat(configurations.get().getWebhooks()).hasSize(3).allSatisfy(w -> {
            assertThat(w.getTimeoutSeconds()).as("the upgrade applied").isEqualTo(7);
            assertThat(w.getClientConfig().getCaBundle()).as("caBundle of %s", w.getName()).isEqualTo(caBundle);
        });
    }

    @Test
    void notesTellTheNextSteps() {
        assertThat(installOutput).contains("NOTES:")
                .contains("kubectl -n " + NAMESPACE + " rollout status deploy/uds-udsproxy-operator")
                .contains("helm test " + RELEASE + " -n " + NAMESPACE)
                .contains("kubectl annotate deploy/<name> udsproxy.dev/inject=true")
                .contains("Not injected: kube-system, kube-public, kube-node-lease, " + NAMESPACE);
    }

    @Test
    void namespaceReallyEnforcesRestricted() {
        // Without this, admitted operator Pods would prove nothing about their security context.
        Pod lax = new PodBuilder().withNewMetadata().withName("lax").withNamespace(NAMESPACE).endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build();

        assertThatThrownBy(() -> client.pods().inNamespace(NAMESPACE).resource(lax).dryRun().create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("violates PodSecurity \"restricted:latest\"");
    }

    List<String> failedCreate() {
        return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> "FailedCreate".equals(e.getReason()))
                .map(e -> e.getInvolvedObject().getName() + ": " + e.getMessage())
                .collect(Collectors.toList());
    }
}
