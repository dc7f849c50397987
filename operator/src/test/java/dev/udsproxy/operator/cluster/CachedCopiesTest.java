package dev.udsproxy.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.udsproxy.operator.catchup.PodCensus;
import dev.udsproxy.operator.injection.AdmitPod;
import dev.udsproxy.operator.injection.Annotations;
import dev.udsproxy.operator.injection.GoldenContext;
import dev.udsproxy.operator.workload.WorkloadOptIn;
import dev.udsproxy.operator.workload.Workloads;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The lean copies the informer caches keep must answer every question the operator asks a cache exactly as the whole
 * object does. The Pods are the golden admission cases' (each input Pod and, where injected, the Pod the webhook made
 * of it), so a field the webhook's decision starts to read shows up here; and each case is also asked with its own
 * cluster context (namespace labels, profiles).
 */
class CachedCopiesTest {
    static final Path GOLDEN = Path.of(System.getProperty("basedir", "."), "src/test/resources/golden");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final KubernetesSerialization JSON = new KubernetesSerialization();

    @TestFactory
    Stream<DynamicTest> aPodCopyAnswersTheCensusAndTheDecisionAsTheWholePodDoes() throws IOException {
        try (Stream<Path> dirs = Files.list(GOLDEN)) {
            var cases = dirs.filter(Files::isDirectory).sorted().toList();
            assertThat(cases).hasSizeGreaterThanOrEqualTo(10);
            return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
        }
    }

    private void check(Path dir) throws IOException {
        GoldenContext context = Files.exists(dir.resolve("context.yaml"))
                ? YAML.readValue(dir.resolve("context.yaml").toFile(), GoldenContext.class)
                : new GoldenContext();
        JsonNode request = YAML.readTree(dir.resolve("in-AdmissionReview.yaml").toFile()).path("request");
        String namespace = request.path("namespace").asText("default");
        List<Pod> pods = new ArrayList<>();
        pods.add(pod(request.path("object")));
        if (Files.exists(dir.resolve("out-Pod.yaml"))) {
            pods.add(pod(YAML.readTree(dir.resolve("out-Pod.yaml").toFile())));
        }
        for (Pod whole : pods) {
            if (whole.getMetadata() == null || whole.getSpec() == null) {
                continue; // a malformed review: never in a cache
            }
            whole.getMetadata().setNamespace(namespace);
            whole.getMetadata().setManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("kubectl")
                    .withOperation("Update").withNewFieldsV1().addToAdditionalProperties("f:metadata", Map.of())
                    .endFieldsV1().build()));
            String before = JSON.asJson(whole);
            Pod copy = CachedCopies.pod(whole);

            assertThat(JSON.asJson(whole)).as("the whole Pod is left as it was").isEqualTo(before);
            assertThat(copy.getMetadata().getManagedFields()).isNullOrEmpty();
            var admit = new AdmitPod(context);
            boolean wholeAnswer;
            try {
                wholeAnswer = admit.wouldInject(whole, namespace);
            } catch (NullPointerException e) {
                // null-lists, null-container: JSON nulls that the API server never stores, so never in a cache (the
                // webhook's handler normalizes them before it decides: GoldenCasesTest).
                continue;
            }
            assertThat(admit.wouldInject(copy, namespace)).isEqualTo(wholeAnswer);
            for (String profile : List.of("default", "fast")) {
                for (String hash : hashes(whole)) {
                    var wholeCensus = PodCensus.count(List.of(whole), profile, hash, admit);
                    var copyCensus = PodCensus.count(List.of(copy), profile, hash, admit);
                    assertThat(copyCensus.injected()).isEqualTo(wholeCensus.injected());
                    assertThat(copyCensus.outdated()).isEqualTo(wholeCensus.outdated());
                    assertThat(copyCensus.missing()).hasSameSizeAs(wholeCensus.missing());
                }
            }
            assertThat(copy.getMetadata().getAnnotations()).isEqualTo(whole.getMetadata().getAnnotations());
            assertThat(copy.getMetadata().getLabels()).isEqualTo(whole.getMetadata().getLabels());
            assertThat(copy.getMetadata().getOwnerReferences()).isEqualTo(whole.getMetadata().getOwnerReferences());
        }
    }

    @Test
    void anInjectedPodsCopyIsAFractionOfIt() throws IOException {
        Pod injected = pod(YAML.readTree(GOLDEN.resolve("plain-deployment-pod/out-Pod.yaml").toFile()));
        int whole = JSON.asJson(injected).length();
        int copy = JSON.asJson(CachedCopies.pod(injected)).length();
        // Without the managedFields a Pod's cache entry was its whole injected spec; the copy keeps names only.
        assertThat(copy).as("JSON size of the copy (%d) against the whole Pod (%d)", copy, whole).isLessThan(whole / 3);
    }

    @TestFactory
    Stream<DynamicTest> aWorkloadCopyDecidesTheTemplateAsTheWholeWorkloadDoes() throws IOException {
        Pod golden = pod(YAML.readTree(GOLDEN.resolve("readiness-gate/in-AdmissionReview.yaml").toFile()).path("request")
                .path("object"));
        var template = new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder().withNewMetadata()
                .withLabels(Map.of("app", "shop")).withAnnotations(Map.of(Annotations.PROFILE, "fast")).endMetadata()
                .withSpec(golden.getSpec()).build();
        var selector = new io.fabric8.kubernetes.api.model.LabelSelectorBuilder().withMatchLabels(Map.of("app", "shop"))
                .build();
        Map<String, String> annotations = Map.of(Annotations.INJECT, "true");
        List<HasMetadata> workloads = List.of(
                new DeploymentBuilder().withNewMetadata().withName("shop").withNamespace("web").withAnnotations(annotations)
                        .withGeneration(3L).endMetadata().withNewSpec().withReplicas(2).withSelector(selector)
                        .withTemplate(template).endSpec().withNewStatus().withReplicas(2).endStatus().build(),
                new StatefulSetBuilder().withNewMetadata().withName("db").withNamespace("web").withAnnotations(annotations)
                        .endMetadata().withNewSpec().withSelector(selector).withTemplate(template).endSpec().build(),
                new DaemonSetBuilder().withNewMetadata().withName("agent").withNamespace("web").withAnnotations(annotations)
                        .endMetadata().withNewSpec().withSelector(selector).withTemplate(template).endSpec().build());
        GoldenContext context = new GoldenContext();
        return workloads.stream().map(whole -> DynamicTest.dynamicTest(whole.getKind(), () -> {
            HasMetadata copy = CachedCopies.workload(whole);
            assertThat(copy.getKind()).isEqualTo(whole.getKind());
            assertThat(copy.getApiVersion()).isEqualTo(whole.getApiVersion());
            assertThat(copy.getMetadata().getGeneration()).isEqualTo(whole.getMetadata().getGeneration());
            assertThat(Workloads.selector(copy)).isEqualTo(Workloads.selector(whole));
            assertThat(Workloads.template(copy).getMetadata()).isEqualTo(Workloads.template(whole).getMetadata());
            assertThat(WorkloadOptIn.injectable(context, "web", Workloads.template(copy).getSpec()))
                    .isEqualTo(WorkloadOptIn.injectable(context, "web", Workloads.template(whole).getSpec()));
            for (boolean podsCurrent : List.of(true, false)) {
                var cluster = new WorkloadOptIn.Cluster(true, (profile, hash) -> podsCurrent);
                assertThat(WorkloadOptIn.desired(copy.getMetadata(), Workloads.template(copy), p -> "h-" + p, cluster))
                        .isEqualTo(WorkloadOptIn.desired(whole.getMetadata(), Workloads.template(whole), p -> "h-" + p,
                                cluster));
            }
        }));
    }

    @Test
    void theStoresKeepTheCopiesUnderTheObjectsKeys() {
        Pod whole = pod(YAML.valueToTree(Map.of("apiVersion", "v1", "kind", "Pod", "metadata", Map.of("name", "p",
                "namespace", "ns", "resourceVersion", "42", "managedFields", List.of(Map.of("manager", "kubectl"))),
                "spec", Map.of("containers", List.of(Map.of("name", "app", "image", "shop:1"))))));
        var store = CachedCopies.podStore();
        store.put(store.getKey(whole), whole);
        Pod cached = store.get("ns/p");
        assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("42");
        assertThat(cached.getSpec().getContainers()).singleElement()
                .satisfies(c -> assertThat(c.getImage()).isNull());
        var namespaces = new CachedCopies.WithoutManagedFields<Pod>();
        namespaces.put(namespaces.getKey(whole), whole);
        assertThat(namespaces.get("ns/p").getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(namespaces.get("ns/p").getSpec().getContainers().get(0).getImage()).isEqualTo("shop:1");
    }

    private static List<String> hashes(Pod pod) {
        var status = Optional.ofNullable(pod.getMetadata().getAnnotations()).map(a -> a.get(Annotations.STATUS))
                .flatMap(dev.udsproxy.operator.injection.InjectionStatus::parse);
        return status.map(s -> List.of(s.hash(), "other")).orElse(List.of("other"));
    }

    private static Pod pod(JsonNode node) {
        return JSON.convertValue(node, Pod.class);
    }
}
