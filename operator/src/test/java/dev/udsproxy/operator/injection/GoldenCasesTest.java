package dev.udsproxy.operator.injection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.udsproxy.operator.webhook.AdmissionHandler;
import dev.udsproxy.operator.webhook.AdmissionOutcome;
import dev.udsproxy.operator.webhook.AdmittedPod;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * One folder per case under {@code golden/}: {@code in-AdmissionReview.yaml} (and an
 * optional {@code context.yaml}, {@code README.md}) in; {@code out-decision.yaml}, {@code out-response.yaml},
 * {@code out-patch.json} and {@code out-Pod.yaml} (the input Pod with the patch applied)
 * expected. New folders are picked up by themselves; a missing, stale or unknown file
 * fails. {@code -Dudsproxy.golden.update=true} rewrites the expected files.
 */
class GoldenCasesTest {
    static final Path ROOT = Path.of(System.getProperty("basedir", "."), "src/test/resources/golden");
    static final boolean UPDATE = Boolean.getBoolean("udsproxy.golden.update");
    static final Set<String> INPUTS = Set.of("in-AdmissionReview.yaml", "context.yaml", "README.md");

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @TestFactory
    Stream<DynamicTest> goldenCases() throws IOException {
        assertThat(ROOT).isDirectory();
        try (Stream<Path> dirs = Files.list(ROOT)) {
            var cases = dirs.filter(Files::isDirectory).sorted().toList();
            assertThat(cases).as("golden cases under %s", ROOT).hasSizeGreaterThanOrEqualTo(10);
            return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> run(dir)));
        }
    }

    private void run(Path dir) throws IOException {
        Path input = dir.resolve("in-AdmissionReview.yaml");
        assertThat(input).as("every case folder needs its input").exists();
        JsonNode review = YAML.readTree(input.toFile());
        GoldenContext context = Files.exists(dir.resolve("context.yaml"))
                ? YAML.readValue(dir.resolve("context.yaml").toFile(), GoldenContext.class)
                : new GoldenContext();
        var handler = new AdmissionHandler(context);

        AdmissionOutcome outcome = handler.handle(review);
        ObjectNode response = outcome.review().deepCopy();
        Map<String, String> produced = new LinkedHashMap<>();
        JsonNode encoded = ((ObjectNode) response.get("response")).remove("patch");
        produced.put("out-decision.yaml", YAML.writeValueAsString(decision(outcome)));
        produced.put("out-response.yaml", YAML.writeValueAsString(response));
        if (encoded != null) {
            JsonNode patch = JSON.readTree(Base64.getDecoder().decode(encoded.asText()));
            JsonNode patched = JsonPatch.apply(patch, review.path("request").path("object"));
            produced.put("out-patch.json", JSON.writeValueAsString(patch) + "\n");
            produced.put("out-Pod.yaml", YAML.writeValueAsString(patched));
            assertSecondCallChangesNothing(handler, review, patched);
        }
        assertInputPodUntouched(context, review.path("request"));
        compare(dir, produced);
    }

    /** The mutator works on its own copy ("a copy in, a copy out"): the Pod it was given is equal to a fresh read. */
    private static void assertInputPodUntouched(GoldenContext context, JsonNode request) {
        if (!(AdmittedPod.read(request.path("object")) instanceof AdmittedPod.Judgeable(Pod given))) {
            return;
        }
        var admission = new AdmitPod(context).admit(given, request.path("namespace").asText(""));
        var fresh = (AdmittedPod.Judgeable) AdmittedPod.read(request.path("object"));
        assertThat(given).as("the Pod given to the mutator after " + admission.getClass().getSimpleName())
                .isEqualTo(fresh.pod());
        if (admission instanceof AdmitPod.Injected injected) {
            // And the copy shares no list with it: the sidecar went into the copy's list only.
            assertThat(injected.mutation().pod().getSpec().getVolumes()).isNotSameAs(given.getSpec().getVolumes());
        }
    }

    /** Why: the result, and for Pods the policy decided on, its outcome and reason. */
    private static Map<String, String> decision(AdmissionOutcome outcome) {
        Map<String, String> why = new LinkedHashMap<>();
        why.put("result", outcome.result().name());
        if (outcome.decision() != null) {
            why.put("decision", outcome.decision().outcome().name());
        }
        why.put("reason", outcome.message());
        return why;
    }

    /** Idempotence, and so reinvocationPolicy IfNeeded: the injected Pod comes back unchanged. */
    private static void assertSecondCallChangesNothing(AdmissionHandler handler, JsonNode review, JsonNode patched) {
        ObjectNode again = review.deepCopy();
        ((ObjectNode) again.get("request")).set("object", patched);
        JsonNode response = handler.handle(again).review().get("response");
        assertThat(response.get("allowed").asBoolean()).isTrue();
        assertThat(response.has("patch")).as("second call on an injected Pod patches nothing").isFalse();
    }

    private static void compare(Path dir, Map<String, String> produced) throws IOException {
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(f -> f.getFileName().toString()).forEach(present::add);
        }
        for (String name : present) {
            if (!INPUTS.contains(name) && !produced.containsKey(name)) {
                if (UPDATE) {
                    Files.delete(dir.resolve(name));
                } else {
                    fail(dir.getFileName() + "/" + name + " is stale or unknown: this case produces only "
                            + produced.keySet() + " (rerun with -Dudsproxy.golden.update=true to clean up)");
                }
            }
        }
        for (var e : produced.entrySet()) {
            Path file = dir.resolve(e.getKey());
            if (UPDATE) {
                Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
            } else {
                assertThat(file).as("expected output (write it with -Dudsproxy.golden.update=true)").exists();
                assertThat(e.getValue()).as(dir.getFileName() + "/" + e.getKey())
                        .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
    }
}
