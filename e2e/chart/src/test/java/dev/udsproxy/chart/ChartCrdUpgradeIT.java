package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.udsproxy.controlplane.ControlPlane;
import dev.udsproxy.controlplane.ControlPlaneTest;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The CRD upgrades with {@code helm upgrade}: a cluster installed with the previous chart layout (the CRD in the
 * operator chart's crds/, which Helm installs once and never touches again) moves to the udsproxy-crds release,
 * and a SidecarProfile field that only the new CRD has is stored instead of pruned.
 */
@ControlPlaneTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartCrdUpgradeIT {

    /** The last commit whose operator chart carried the CRD in crds/ (install once, never upgraded). */
    static final String PREVIOUS = "464d50f";
    static final String NAMESPACE = "udsproxy-upgrade";
    static final String RELEASE = "up";
    static final ResourceDefinitionContext PROFILES = new ResourceDefinitionContext.Builder()
            .withGroup("udsproxy.dev").withVersion("v1alpha1").withPlural("sidecarprofiles").withKind("SidecarProfile")
            .withNamespaced(false).build();
    static final String CRD_FILE = CrdChart.CRD + "-v1.yml";
    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    final Helm helm = Helm.locate();
    final ControlPlane plane;
    final KubernetesClient client;

    ChartCrdUpgradeIT(ControlPlane plane, KubernetesClient client) {
        this.plane = plane;
        this.client = client;
    }

    Helm.Result helm(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--kubeconfig", plane.kubeconfig().toString()));
        return helm.run(all, Map.of());
    }

    @AfterAll
    void cleanUp() {
        helm("uninstall", RELEASE, "--namespace", NAMESPACE, "--ignore-not-found");
        client.genericKubernetesResources(PROFILES).withName("upgrade-probe").delete();
        client.namespaces().withName(NAMESPACE).delete();
        // The other classes find the CRD as CrdChart.install leaves it: owned by the udsproxy-crds release.
        CrdChart.install(helm, plane);
    }

    @Test
    void helmUpgradeFromTheInstallOnceLayoutUpgradesTheCrdAndStoresItsNewField() throws Exception {
        startWithoutTheCrd();
        Path previous = exportPreviousChart();
        Path oldCrd = previous.resolve("crds").resolve(CRD_FILE);
        Path newCrd = Repo.root().resolve("crds").resolve(CRD_FILE);
        String field = fieldOnlyTheNewCrdHas(oldCrd, newCrd);
        JsonNode value = sampleValue(specProperties(YAML.readTree(newCrd.toFile())).get(field));
        System.out.printf("ChartCrdUpgradeIT: spec.%s (value %s) is in crds/ at HEAD, not in the old CRD (%s)%n",
                field, value, PREVIOUS);

        // The previous layout: helm install puts the CRD from crds/ on the server (unowned by any release).
        helm("install", RELEASE, previous.resolve("charts/udsproxy-operator").toString(), "--namespace", NAMESPACE,
                "--create-namespace").requireSuccess();
        CrdChart.awaitEstablished(plane);
        assertThat(storedProbe(field, value)).as("the old CRD prunes spec.%s: the test can tell", field).isNull();

        // Helm adopts only what carries its ownership labels: the CRD from crds/ has none.
        Helm.Result refused = helm("install", CrdChart.RELEASE, Repo.crdChart().toString(), "--namespace",
                CrdChart.NAMESPACE);
        assertThat(refused.exitCode()).as("install of udsproxy-crds over the unowned CRD").isNotZero();
        assertThat(refused.stderr()).contains("exists and cannot be imported into the current release");
        // README "Upgrade from 0.1.0": --take-ownership once; later upgrades are plain helm upgrade.
        helm("install", CrdChart.RELEASE, Repo.crdChart().toString(), "--namespace", CrdChart.NAMESPACE,
                "--take-ownership").requireSuccess();
        helm("upgrade", CrdChart.RELEASE, Repo.crdChart().toString(), "--namespace", CrdChart.NAMESPACE)
                .requireSuccess();
        helm("upgrade", RELEASE, Repo.chart().toString(), "--namespace", NAMESPACE).requireSuccess();
        CrdChart.awaitEstablished(plane);

        GenericKubernetesResource stored = client.genericKubernetesResources("apiextensions.k8s.io/v1",
                "CustomResourceDefinition").withName(CrdChart.CRD).get();
        JsonNode served = schema(JSON.valueToTree(stored));
        JsonNode atHead = schema(YAML.readTree(newCrd.toFile()));
        // Numerically equal is equal: the file says "minimum: 0.0", the API server answers 0.
        assertThat(atHead.equals(ChartCrdUpgradeIT::compareNumbersByValue, served))
                .as("the served schema is crds/ at HEAD:%n%s%nserved:%n%s", atHead, served).isTrue();
        assertThat(stored.getMetadata().getAnnotations()).containsEntry("meta.helm.sh/release-name", CrdChart.RELEASE)
                .containsEntry("helm.sh/resource-policy", "keep");
        Awaitility.await("spec." + field + " stored, not pruned").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    assertThat(storedProbe(field, value)).isEqualTo(value);
                });
    }

    /** Creates the profile {@code upgrade-probe} with {@code field} set and returns what the API server kept. */
    JsonNode storedProbe(String field, JsonNode value) {
        client.genericKubernetesResources(PROFILES).withName("upgrade-probe").delete();
        Awaitility.await("profile upgrade-probe gone").atMost(Duration.ofSeconds(30))
                .until(() -> client.genericKubernetesResources(PROFILES).withName("upgrade-probe").get() == null);
        GenericKubernetesResource probe = new GenericKubernetesResourceBuilder().withApiVersion("udsproxy.dev/v1alpha1")
                .withKind("SidecarProfile").withNewMetadata().withName("upgrade-probe").endMetadata()
                .addToAdditionalProperties("spec", Map.of("image", "udsproxy/sidecar:0.1.0",
                        field, JSON.convertValue(value, Object.class))).build();
        GenericKubernetesResource created = client.genericKubernetesResources(PROFILES).resource(probe).create();
        return JSON.valueToTree(created).path("spec").get(field);
    }

    void startWithoutTheCrd() {
        helm("uninstall", CrdChart.RELEASE, "--namespace", CrdChart.NAMESPACE, "--ignore-not-found").requireSuccess();
        client.apiextensions().v1().customResourceDefinitions().withName(CrdChart.CRD).delete();
        Awaitility.await("CRD " + CrdChart.CRD + " deleted").atMost(Duration.ofSeconds(60))
                .until(() -> client.apiextensions().v1().customResourceDefinitions().withName(CrdChart.CRD).get() == null);
    }

    /**
     * A spec field of the new CRD that the old one lacks. Once the profile fields of issue 12 are merged, crds/ at
     * HEAD has some; until then the two files are the same, and the test drops a field from its copy of the old
     * CRD (and says so), so that the upgrade still has a field to add.
     */
    static String fieldOnlyTheNewCrdHas(Path oldCrd, Path newCrd) throws IOException {
        JsonNode newTree = YAML.readTree(newCrd.toFile());
        Set<String> added = new TreeSet<>(names(specProperties(newTree)));
        added.removeAll(names(specProperties(YAML.readTree(oldCrd.toFile()))));
        added.removeIf(name -> sampleValue(specProperties(newTree).get(name)) == null);
        if (!added.isEmpty()) {
            return added.iterator().next();
        }
        ObjectNode oldTree = (ObjectNode) YAML.readTree(oldCrd.toFile());
        String dropped = names(specProperties(oldTree)).stream().filter(name -> !name.equals("image"))
                .filter(name -> specProperties(oldTree).get(name).has("enum")).findFirst()
                .orElseThrow(() -> new AssertionError("no enum field in the CRD's spec to simulate an addition with"));
        ((ObjectNode) specProperties(oldTree)).remove(dropped);
        YAML.writeValue(oldCrd.toFile(), oldTree);
        System.out.printf("ChartCrdUpgradeIT: crds/ at HEAD has no spec field that %s lacks; dropped spec.%s from the"
                + " old CRD in the test's copy to have one%n", PREVIOUS, dropped);
        return dropped;
    }

    /** A value the schema admits: the last enum value, true, the minimum (or 1), a word; null when unsure. */
    static JsonNode sampleValue(JsonNode property) {
        if (property.has("enum")) {
            return property.get("enum").get(property.get("enum").size() - 1);
        }
        return switch (property.path("type").asText()) {
            case "boolean" -> JSON.getNodeFactory().booleanNode(true);
            case "integer" -> JSON.getNodeFactory().numberNode(Math.max(1, property.path("minimum").asInt(1)));
            case "string" -> property.has("pattern") ? null : JSON.getNodeFactory().textNode("sample");
            default -> null;
        };
    }

    static int compareNumbersByValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    }

    static JsonNode schema(JsonNode crd) {
        return crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
    }

    static JsonNode specProperties(JsonNode crd) {
        return schema(crd).path("properties").path("spec").path("properties");
    }

    static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    /** {@code git archive PREVIOUS charts/udsproxy-operator crds}, unpacked: the chart as users installed it. */
    static Path exportPreviousChart() throws Exception {
        Path dir = Repo.scratch("previous-chart");
        run(dir, "rm", "-rf", "charts", "crds", "previous.tar");
        run(Repo.root(), "git", "archive", "--format=tar", "-o", dir.resolve("previous.tar").toString(), PREVIOUS,
                "charts/udsproxy-operator", "crds");
        run(dir, "tar", "-xf", "previous.tar");
        assertThat(Files.isSymbolicLink(dir.resolve("charts/udsproxy-operator/crds")))
                .as("the previous layout: crds/ in the operator chart").isTrue();
        return dir;
    }

    static void run(Path dir, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s:%n%s", String.join(" ", command), output).isZero();
    }
}
