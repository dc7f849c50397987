package dev.udsproxy.cli.inject;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.udsproxy.cli.CliRun;
import dev.udsproxy.operator.injection.Annotations;
import dev.udsproxy.operator.injection.ClusterFeatures;
import dev.udsproxy.operator.injection.ProfileSettings;
import dev.udsproxy.operator.webhook.AdmissionHandler;
import dev.udsproxy.operator.webhook.AdmissionOutcome;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The golden rule of {@code udsproxy inject}: each Pod template it prints is what the webhook makes of a Pod created
 * from the template (the webhook's AdmissionHandler on an AdmissionReview, its JSON Patch applied), after the opt-in
 * the operator writes on the template of an annotated workload; a second run prints its input back byte for byte;
 * what it does not inject it prints as it was read. Inputs: every {@code examples/}*{@code /deployment.yaml} (new
 * examples are picked up by themselves) and {@code inject/mixed.yaml} (every kind, a List, a Namespace label).
 */
class InjectMatchesWebhookTest {
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> TEMPLATE_KINDS = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job");
    static final Set<String> RECONCILED = Set.of("Deployment", "StatefulSet", "DaemonSet");

    @TestFactory
    Stream<DynamicTest> everyInput() throws IOException {
        List<Path> inputs = new ArrayList<>();
        try (Stream<Path> examples = Files.list(CliRun.repo().resolve("examples"))) {
            examples.map(d -> d.resolve("deployment.yaml")).filter(Files::isRegularFile).sorted().forEach(inputs::add);
        }
        assertThat(inputs).as("examples/*/deployment.yaml").hasSizeGreaterThanOrEqualTo(2);
        inputs.add(Path.of("src/test/resources/inject/mixed.yaml").toAbsolutePath());
        return inputs.stream().map(input -> DynamicTest.dynamicTest(CliRun.repo().relativize(input).toString(),
                () -> injectsAsTheWebhook(input)));
    }

    @org.junit.jupiter.api.Test
    void documentsWithNothingToInjectArePrintedByteForByte() throws IOException {
        Path input = Path.of("src/test/resources/inject/mixed.yaml");
        String out = CliRun.of("inject", "-f", input.toString()).out();
        var untouched = YamlDocuments.split(Files.readString(input)).stream()
                .filter(d -> d.text().contains("name: plain") || d.text().contains("name: untouched")
                        || d.text().contains("kind: Namespace")).toList();
        assertThat(untouched).hasSize(3);
        untouched.forEach(d -> assertThat(out).contains(d.text()));
        assertThat(out).contains("# a comment that survives")
                .as("the comments above an injected object are kept")
                .contains("# Opted in by the workload annotation only: the operator would label the template first.");
    }

    void injectsAsTheWebhook(Path input) throws IOException {
        CliRun first = CliRun.of("inject", "-f", input.toString());
        assertThat(first.exitCode()).as("stderr: %s", first.err()).isZero();

        List<JsonNode> before = objects(Files.readString(input));
        List<JsonNode> after = objects(first.out());
        assertThat(after).as("the same objects, in the same order").hasSameSizeAs(before);
        Map<String, Map<String, String>> namespaceLabels = namespaceLabels(before);
        int injected = 0;
        for (int i = 0; i < before.size(); i++) {
            injected += compare(before.get(i), after.get(i), namespaceLabels);
        }
        assertThat(injected).as("Pod templates injected in %s", input).isPositive();

        // Standard input: the second run reads the first one's output as a pipe would give it.
        CliRun second = withStdin(first.out(), () -> CliRun.of("inject", "-f", "-"));
        assertThat(second.exitCode()).as("stderr: %s", second.err()).isZero();
        assertThat(second.out()).as("a second run over its own output changes nothing").isEqualTo(first.out());
        assertThat(second.err()).as("and warns about nothing").isEmpty();
    }

    /** Number of Pod templates injected in this object (and its items). */
    private int compare(JsonNode in, JsonNode out, Map<String, Map<String, String>> namespaceLabels) {
        String kind = in.path("kind").asText();
        if (kind.equals("List")) {
            int n = 0;
            for (int i = 0; i < in.path("items").size(); i++) {
                n += compare(in.path("items").get(i), out.path("items").get(i), namespaceLabels);
            }
            return n;
        }
        JsonNode template = templateOf(in);
        if (template == null) {
            assertThat(out).as("%s is not a workload: left as it is", kind).isEqualTo(in);
            return 0;
        }
        String namespace = in.path("metadata").path("namespace").asText("default");
        ObjectMeta meta = SERIALIZATION.convertValue(template.path("metadata"), ObjectMeta.class);
        PodSpec spec = SERIALIZATION.convertValue(template.path("spec"), PodSpec.class);
        if (RECONCILED.contains(kind) && operatorWrites(in, meta)) {
            optIn(meta, spec);
        }
        Pod pod = new PodBuilder().withMetadata(meta).editMetadata().withNamespace(namespace).endMetadata()
                .withSpec(spec).build();
        JsonNode expected = plain(admitted(pod, namespace, namespaceLabels));
        JsonNode actual = templateOf(out);
        if (expected == null) {
            assertThat(out).as("%s %s is not injected: left as it is", kind, name(in)).isEqualTo(in);
            return 0;
        }
        assertThat(actual.path("spec")).as("%s %s: spec as the webhook injects it", kind, name(in))
                .isEqualTo(expected.path("spec"));
        for (String field : List.of("labels", "annotations")) {
            assertThat(actual.path("metadata").path(field)).as("%s %s: metadata.%s", kind, name(in), field)
                    .isEqualTo(expected.path("metadata").path(field));
        }
        if (!kind.equals("Pod")) {
            assertThat(actual.path("metadata").has("namespace")).as("no namespace added to the template").isFalse();
        }
        assertThat(withoutTemplate(out)).as("%s %s: nothing but the template changed", kind, name(in))
                .isEqualTo(withoutTemplate(in));
        return 1;
    }

    /**
     * Whether the operator writes the opt-in on this template (design.md): the workload is annotated
     * udsproxy.dev/inject=true and the template is not labelled yet (a labelled one is matched by the webhook's
     * selector already and, with no live Pods, gets nothing).
     */
    private static boolean operatorWrites(JsonNode workload, ObjectMeta template) {
        return "true".equals(workload.path("metadata").path("annotations").path(Annotations.INJECT).asText())
                && !"true".equals(template.getLabels().get(Annotations.INJECT));
    }

    /** What it writes: the opt-in label and annotation, the default profile's hash, the readiness gate. */
    private static void optIn(ObjectMeta template, PodSpec spec) {
        Map<String, String> labels = new LinkedHashMap<>(template.getLabels());
        Map<String, String> annotations = new LinkedHashMap<>(template.getAnnotations());
        labels.put(Annotations.INJECT, "true");
        annotations.put(Annotations.INJECT, "true");
        annotations.put(Annotations.PROFILE_HASH, ProfileSettings.from("default", null).hash());
        template.setLabels(labels);
        template.setAnnotations(annotations);
        List<PodReadinessGate> gates = new ArrayList<>(spec.getReadinessGates());
        gates.add(new PodReadinessGate(Annotations.INJECTED_CONDITION));
        spec.setReadinessGates(gates);
    }

    /** The webhook's own path: an AdmissionReview of the Pod, the response's patch applied; null when not injected. */
    private static JsonNode admitted(Pod pod, String namespace, Map<String, Map<String, String>> namespaceLabels) {
        ObjectNode object = SERIALIZATION.convertValue(pod, ObjectNode.class);
        ObjectNode review = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request").put("uid", "golden").put("namespace", namespace)
                .put("operation", "CREATE");
        request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
        request.set("object", object);
        var context = new OfflineInjectionContext("udsproxy-system", List.of(), namespaceLabels,
                ClusterFeatures.of("1", "30"));
        AdmissionOutcome outcome = new AdmissionHandler(context).handle(review);
        assertThat(outcome.result()).isIn(AdmissionOutcome.Result.INJECTED, AdmissionOutcome.Result.SKIPPED);
        JsonNode patch = outcome.review().path("response").path("patch");
        if (patch.isMissingNode()) {
            return null;
        }
        try {
            return JsonPatch.apply(JSON.readTree(Base64.getDecoder().decode(patch.asText())), object);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The model writes longs where YAML reads ints: compare values, not Java number types. */
    private static JsonNode plain(JsonNode node) {
        try {
            return node == null ? null : JSON.readTree(JSON.writeValueAsString(node));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode templateOf(JsonNode object) {
        String kind = object.path("kind").asText();
        if (kind.equals("Pod")) {
            return object;
        }
        if (kind.equals("CronJob")) {
            return object.path("spec").path("jobTemplate").path("spec").path("template");
        }
        return TEMPLATE_KINDS.contains(kind) ? object.path("spec").path("template") : null;
    }

    private static JsonNode withoutTemplate(JsonNode object) {
        ObjectNode copy = object.deepCopy();
        if (copy.path("kind").asText().equals("Pod")) {
            return JSON.createObjectNode().put("name", copy.path("metadata").path("name").asText());
        }
        ObjectNode holder = (ObjectNode) (copy.path("kind").asText().equals("CronJob")
                ? copy.path("spec").path("jobTemplate").path("spec") : copy.path("spec"));
        holder.remove("template");
        return copy;
    }

    private static Map<String, Map<String, String>> namespaceLabels(List<JsonNode> objects) {
        Map<String, Map<String, String>> labels = new LinkedHashMap<>();
        for (JsonNode o : objects) {
            if (o.path("kind").asText().equals("Namespace")) {
                labels.put(o.path("metadata").path("name").asText(),
                        JSON.convertValue(o.path("metadata").path("labels"), Map.class));
            }
        }
        return labels;
    }

    private static String name(JsonNode object) {
        return object.path("metadata").path("namespace").asText("default") + "/" + object.path("metadata").path("name").asText();
    }

    static List<JsonNode> objects(String yaml) throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
            var values = YAML.readValues(parser, JsonNode.class);
            while (values.hasNext()) {
                JsonNode node = values.next();
                if (node != null && !node.isNull() && !node.isMissingNode()) {
                    objects.add(node);
                }
            }
        }
        return objects;
    }

    static CliRun withStdin(String input, java.util.function.Supplier<CliRun> run) {
        var saved = System.in;
        System.setIn(new java.io.ByteArrayInputStream(input.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try {
            return run.get();
        } finally {
            System.setIn(saved);
        }
    }
}
