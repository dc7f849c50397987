package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.controlplane.ControlPlane;
import dev.udsproxy.controlplane.ControlPlaneTest;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The chart's PodMonitor and ServiceMonitor against the Prometheus Operator's real CRDs (the generated files of its
 * Go module, fetched by e2e/controlplane/build.sh): {@code helm install} with both on, and the API server stores
 * every field as rendered, so none was unknown to the schema and pruned.
 */
@ControlPlaneTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartMonitorsIT {

    static final String NAMESPACE = "udsproxy-monitors";
    static final String RELEASE = "mon";
    static final List<String> VALUES = List.of("--set", "metrics.podMonitor.enabled=true",
            "--set", "metrics.serviceMonitor.enabled=true", "--set", "metrics.podMonitor.scrapeTimeout=10s",
            "--set", "metrics.serviceMonitor.labels.release=prometheus", "--set", "defaultProfile.create=false");

    final Helm helm = Helm.locate();
    final ControlPlane plane;
    final KubernetesClient client;

    ChartMonitorsIT(ControlPlane plane, KubernetesClient client) {
        this.plane = plane;
        this.client = client;
    }

    @AfterAll
    void uninstall() {
        helm.run(List.of("uninstall", RELEASE, "--namespace", NAMESPACE, "--ignore-not-found", "--kubeconfig",
                plane.kubeconfig().toString()), Map.of());
        client.namespaces().withName(NAMESPACE).delete();
        // The Prometheus CRDs stay: nothing else uses the names, and another class may rely on them.
    }

    @Test
    void apiServerStoresBothMonitorsAsRenderedUnderThePrometheusOperatorSchema() throws Exception {
        for (String plural : List.of("podmonitors", "servicemonitors")) {
            CustomResourceDefinition crd = client.getKubernetesSerialization().unmarshal(
                    Files.readString(plane.binaries().prometheusOperatorCrd(plural)), CustomResourceDefinition.class);
            // Not apply: the CRDs are too large for the last-applied annotation.
            if (client.resource(crd).get() == null) {
                client.resource(crd).create();
            }
            Awaitility.await(crd.getMetadata().getName() + " Established").atMost(Duration.ofSeconds(30))
                    .until(() -> client.resource(crd).get().getStatus().getConditions().stream()
                            .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True")));
        }
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
                .build()).serverSideApply();

        List<String> install = new ArrayList<>(List.of("install", RELEASE, Repo.chart().toString(), "--namespace",
                NAMESPACE, "--kubeconfig", plane.kubeconfig().toString()));
        install.addAll(VALUES);
        helm.run(install, Map.of()).requireSuccess();
        Rendered rendered = Rendered.parse(helm.template(RELEASE, NAMESPACE, VALUES.toArray(String[]::new))
                .requireSuccess().stdout());

        List<HasMetadata> monitors = new ArrayList<>(rendered.ofKind("PodMonitor"));
        monitors.addAll(rendered.ofKind("ServiceMonitor"));
        assertThat(monitors).hasSize(2);
        for (HasMetadata monitor : monitors) {
            GenericKubernetesResource stored = client.genericKubernetesResources(monitor.getApiVersion(),
                    monitor.getKind()).inNamespace(NAMESPACE).withName(monitor.getMetadata().getName()).get();
            assertThat(stored).as("%s stored", monitor.getKind()).isNotNull();
            // Every rendered field is stored with its value: one the schema did not know would be pruned
            // (the schema's defaults may add fields, so stored may have more).
            List<String> missing = new ArrayList<>();
            missingFrom(stored.getAdditionalProperties().get("spec"),
                    ((GenericKubernetesResource) monitor).getAdditionalProperties().get("spec"), "spec", missing);
            assertThat(missing).as("%s fields rendered but not stored", monitor.getKind()).isEmpty();
            assertThat(stored.getMetadata().getLabels()).containsAllEntriesOf(monitor.getMetadata().getLabels());
        }
    }

    /** Adds to {@code missing} each path of {@code rendered} that {@code stored} lacks or holds another value at. */
    static void missingFrom(Object stored, Object rendered, String path, List<String> missing) {
        if (rendered instanceof Map<?, ?> want) {
            if (!(stored instanceof Map<?, ?> have)) {
                missing.add(path + " (not an object: " + stored + ")");
                return;
            }
            want.forEach((key, value) -> missingFrom(have.get(key), value, path + "." + key, missing));
        } else if (rendered instanceof List<?> want) {
            if (!(stored instanceof List<?> have) || have.size() != want.size()) {
                missing.add(path + " (stored " + stored + ")");
                return;
            }
            for (int i = 0; i < want.size(); i++) {
                missingFrom(have.get(i), want.get(i), path + "[" + i + "]", missing);
            }
        } else if (stored == null || !String.valueOf(stored).equals(String.valueOf(rendered))) {
            missing.add(path + " = " + rendered + " (stored " + stored + ")");
        }
    }
}
