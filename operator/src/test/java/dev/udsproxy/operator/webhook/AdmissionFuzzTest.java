package dev.udsproxy.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.udsproxy.operator.certificates.CertificatePlanner;
import dev.udsproxy.operator.certificates.CertificatePlanner.Action;
import dev.udsproxy.operator.certificates.CertificatePlanner.Plan;
import dev.udsproxy.operator.certificates.StoredCertificates;
import dev.udsproxy.operator.testing.TrustBundle;
import dev.udsproxy.operator.injection.Annotations;
import dev.udsproxy.operator.injection.GoldenContext;
import io.fabric8.zjsonpatch.JsonPatch;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzzing of the webhook over its real HTTPS socket: AdmissionReviews derived from the golden inputs with
 * fields dropped, nulled, retyped, replaced by huge or odd strings, odd annotation values, deep nesting, duplicated
 * list elements, or the body cut short. Oracle, computed from the body sent: a body that is a well-formed review
 * envelope (apiVersion, kind, request with a uid) gets 200 with a well-formed answer (uid echoed, allowed a boolean,
 * a refusal never the catch-all InternalError, a patch that applies to the object sent); any other body gets 400;
 * nothing ever gets a 5xx. {@code -Dudsproxy.fuzz.seed} and {@code -Dudsproxy.fuzz.count} replay or extend a run.
 */
class AdmissionFuzzTest {
    static final long SEED = Long.getLong("udsproxy.fuzz.seed", 20261201L);
    static final int COUNT = Integer.getInteger("udsproxy.fuzz.count", 4000);
    static final Path GOLDEN = Path.of(System.getProperty("basedir", "."), "src/test/resources/golden");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();
    /** Writes nesting deeper than Jackson's parser accepts (1000), for the bodies that must get a 400. */
    static final ObjectMapper DEEP_WRITER = new ObjectMapper(JsonFactory.builder()
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(5000).build()).build());
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final List<String> ODD_STRINGS = List.of("", " ", "\u0000", "null", "true", "-1", "0", "65536",
            "99999999999999999999", "1e309", "NaN", "../../etc/passwd", "ünïcødé-☃", "\uD83D\uDE00", "a\nb",
            "udsproxy", "udsproxy-sockets", "http", "15090", "8080", "x".repeat(300), "{\"json\":true}", "a=b:1",
            "a=b:1,a=c:2", "=:", "name=host:", "UPPER", "--flag", "\"quoted\"");
    static final List<String> ANNOTATIONS = List.of(Annotations.INJECT, Annotations.PORT, Annotations.CONTAINER,
            Annotations.SOCKET, Annotations.EGRESS, Annotations.PROXY_PROTOCOL, Annotations.PROFILE,
            Annotations.STATUS);
    static final CertificatePlanner PLANNER = new CertificatePlanner(new CertificatePlanner.Settings(
            List.of("localhost"), List.of(), Duration.ofDays(30), Duration.ofDays(3)));

    static Vertx vertx;
    static StoredCertificates certificates;
    /** One server per golden context, so that profiles and cluster versions of the cases take part. */
    static final Map<String, WebhookServer> servers = new TreeMap<>();
    static final Map<String, JsonNode> inputs = new TreeMap<>();
    static final List<String> reporterFailures = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        certificates = PLANNER.apply(new Plan(Action.NEW_CA, "fuzz"), Optional.empty(), Instant.now());
        try (Stream<Path> dirs = Files.list(GOLDEN)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                String name = dir.getFileName().toString();
                inputs.put(name, YAML.readTree(dir.resolve("in-AdmissionReview.yaml").toFile()));
                Path context = dir.resolve("context.yaml");
                GoldenContext cluster = Files.exists(context)
                        ? YAML.readValue(context.toFile(), GoldenContext.class) : new GoldenContext();
                // What the real reporter reads of every outcome (the Event's object), so that its walk is fuzzed too.
                var server = new WebhookServer(vertx, new AdmissionHandler(cluster), (outcome, nanos) -> {
                    try {
                        if (outcome.pod() != null) {
                            AdmissionReporter.owner(outcome.pod(), outcome.namespace());
                        }
                    } catch (RuntimeException e) {
                        reporterFailures.add(name + ": " + e);
                    }
                });
                server.start("127.0.0.1", 0, certificates.material());
                servers.put(name, server);
            }
        }
    }

    @AfterAll
    static void stop() {
        servers.values().forEach(WebhookServer::close);
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void everyMutatedReviewGetsAWellFormedAnswerOrA400() throws Exception {
        Random random = new Random(SEED);
        HttpClient client = client();
        List<String> cases = List.copyOf(inputs.keySet());
        Map<String, Integer> counts = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < COUNT && failures.size() < 20; i++) {
            String name = cases.get(random.nextInt(cases.size()));
            ObjectNode review = inputs.get(name).deepCopy();
            int mutations = 1 + random.nextInt(3);
            StringBuilder applied = new StringBuilder();
            for (int m = 0; m < mutations; m++) {
                applied.append(mutate(review, random)).append("; ");
            }
            String body = DEEP_WRITER.writeValueAsString(review);
            if (random.nextInt(50) == 0) {
                body = body.substring(0, random.nextInt(body.length()));
                applied.append("body cut to ").append(body.length()).append(" chars");
            }
            String label = "#" + i + " " + name + " [" + applied + "]";
            HttpResponse<String> response = post(client, servers.get(name).port(), body);
            try {
                counts.merge(check(body, response), 1, Integer::sum);
            } catch (AssertionError e) {
                failures.add(label + ": " + e.getMessage());
            }
        }
        System.out.printf("AdmissionFuzzTest: seed %d (-Dudsproxy.fuzz.seed), %d reviews from %d golden inputs: %s%n",
                SEED, COUNT, cases.size(), counts);
        assertThat(failures).as("seed " + SEED).isEmpty();
        assertThat(reporterFailures).as("the reporter's reading of outcomes, seed " + SEED).isEmpty();
        // The mutations must reach every kind of answer, or the fuzzer tests less than it claims.
        assertThat(counts).containsKeys("400", "allowed, patched", "allowed, unchanged", "refused");
    }

    /** The oracle; returns the kind of answer for the counts. */
    private static String check(String body, HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as("HTTP status").isLessThan(500);
        Optional<String> uid = envelopeUid(body);
        if (uid.isEmpty()) {
            assertThat(response.statusCode()).as("a body that is no review envelope: " + response.body())
                    .isEqualTo(400);
            assertThat(response.body()).startsWith("malformed AdmissionReview: ");
            return "400";
        }
        assertThat(response.statusCode()).as("a review envelope: " + response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
        assertThat(answer.path("kind").asText()).isEqualTo("AdmissionReview");
        JsonNode r = answer.path("response");
        assertThat(r.path("uid").asText()).as("uid echoed").isEqualTo(uid.get());
        assertThat(r.path("allowed").isBoolean()).as("allowed is a boolean").isTrue();
        if (!r.get("allowed").asBoolean()) {
            assertThat(r.path("status").path("reason").asText()).as("refusal " + r.path("status"))
                    .isNotEqualTo("InternalError");
            assertThat(r.path("status").path("message").asText()).isNotBlank();
            assertThat(r.has("patch")).isFalse();
            return "refused";
        }
        if (!r.has("patch")) {
            return "allowed, unchanged";
        }
        assertThat(r.path("patchType").asText()).isEqualTo("JSONPatch");
        JsonNode patch = JSON.readTree(Base64.getDecoder().decode(r.get("patch").asText()));
        assertThat(patch.isArray()).as("a JSON Patch is an array").isTrue();
        JsonNode object = JSON.readTree(body).path("request").path("object");
        JsonNode patched = JsonPatch.apply(patch, object);
        assertThat(patched.at("/metadata/annotations").has(Annotations.STATUS)).as("the patched Pod says it is injected")
                .isTrue();
        return "allowed, patched";
    }

    /** The uid when the body is an admission.k8s.io/v1 AdmissionReview with a request, computed apart from the server. */
    private static Optional<String> envelopeUid(String body) {
        JsonNode review;
        try {
            review = JSON.readTree(body);
        } catch (Exception e) {
            return Optional.empty();
        }
        if (review == null || !review.isObject() || !"admission.k8s.io/v1".equals(review.path("apiVersion").asText())
                || !"AdmissionReview".equals(review.path("kind").asText())) {
            return Optional.empty();
        }
        JsonNode uid = review.path("request").path("uid");
        return review.path("request").isObject() && uid.isTextual() && !uid.asText().isEmpty()
                ? Optional.of(uid.asText()) : Optional.empty();
    }

    /** One mutation somewhere in the review, mostly inside the Pod; returns what it did. */
    private static String mutate(ObjectNode review, Random random) {
        if (random.nextInt(6) == 0 && review.path("request").path("object").isObject()) {
            return oddAnnotation((ObjectNode) review.get("request").get("object"), random);
        }
        List<Slot> slots = new ArrayList<>();
        JsonNode object = review.path("request").path("object");
        collect(random.nextInt(8) == 0 || !object.isContainerNode() ? review : object, "", slots);
        if (slots.isEmpty()) {
            return "nothing to mutate";
        }
        Slot slot = slots.get(random.nextInt(slots.size()));
        return switch (random.nextInt(7)) {
            case 0 -> slot.remove() + " dropped";
            case 1 -> slot.set(NODES.nullNode()) + " nulled";
            case 2 -> slot.set(otherType(slot.value(), random)) + " retyped";
            case 3 -> slot.set(NODES.textNode(random.nextBoolean() ? ODD_STRINGS.get(random.nextInt(ODD_STRINGS.size()))
                    : "y".repeat(50_000 + random.nextInt(200_000)))) + " odd string";
            case 4 -> slot.set(nested(random.nextInt(10) == 0 ? 1500 : 1 + random.nextInt(200), random)) + " nested";
            case 5 -> slot.duplicate() + " duplicated";
            default -> slot.set(slots.get(random.nextInt(slots.size())).value().deepCopy()) + " swapped";
        };
    }

    private static String oddAnnotation(ObjectNode pod, Random random) {
        JsonNode metadata = pod.path("metadata");
        if (!metadata.isObject()) {
            return "no metadata for an annotation";
        }
        JsonNode annotations = metadata.path("annotations");
        ObjectNode target = annotations.isObject() ? (ObjectNode) annotations
                : ((ObjectNode) metadata).putObject("annotations");
        String key = ANNOTATIONS.get(random.nextInt(ANNOTATIONS.size()));
        String value = ODD_STRINGS.get(random.nextInt(ODD_STRINGS.size()));
        target.put(key, value);
        return "annotation " + key + "=" + value.substring(0, Math.min(value.length(), 20));
    }

    private static JsonNode otherType(JsonNode value, Random random) {
        List<JsonNode> options = new ArrayList<>(List.of(NODES.numberNode(random.nextInt()), NODES.numberNode(-1.5),
                NODES.booleanNode(random.nextBoolean()), NODES.textNode("text"), NODES.arrayNode().add(1).add("two"),
                NODES.objectNode().put("unexpected", true), NODES.numberNode(Long.MAX_VALUE)));
        options.removeIf(o -> o.getNodeType() == value.getNodeType());
        return options.get(random.nextInt(options.size()));
    }

    private static JsonNode nested(int depth, Random random) {
        JsonNode node = NODES.textNode("bottom");
        for (int d = 0; d < depth; d++) {
            node = random.nextBoolean() ? NODES.arrayNode().add(node) : NODES.objectNode().set("n", node);
        }
        return node;
    }

    /**
     * Every slot under {@code node}, depth first, parents before children. With a stack of our own, not recursion:
     * the "nested" and "swapped" mutations build trees thousands deep, and a recursive walk overflowed the test
     * thread's stack or not depending on how much of it the JIT had compiled.
     */
    private static void collect(JsonNode node, String path, List<Slot> slots) {
        record Pending(JsonNode node, String path) {
        }
        Deque<Pending> stack = new ArrayDeque<>();
        stack.push(new Pending(node, path));
        while (!stack.isEmpty()) {
            Pending next = stack.pop();
            List<Pending> children = new ArrayList<>();
            if (next.node() instanceof ObjectNode object) {
                for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    slots.add(new Slot(object, name, -1, next.path() + "/" + name));
                    children.add(new Pending(object.get(name), next.path() + "/" + name));
                }
            } else if (next.node() instanceof ArrayNode array) {
                for (int i = 0; i < array.size(); i++) {
                    slots.add(new Slot(array, null, i, next.path() + "/" + i));
                    children.add(new Pending(array.get(i), next.path() + "/" + i));
                }
            }
            for (int i = children.size() - 1; i >= 0; i--) {
                stack.push(children.get(i));
            }
        }
    }

    /** A place in the tree: a field of an object or an element of an array. */
    record Slot(JsonNode parent, String field, int index, String path) {
        JsonNode value() {
            return field != null ? parent.get(field) : parent.get(index);
        }

        String set(JsonNode value) {
            edit(o -> o.set(field, value), a -> a.set(index, value));
            return path;
        }

        String remove() {
            edit(o -> o.remove(field), a -> a.remove(index));
            return path;
        }

        String duplicate() {
            JsonNode copy = value().deepCopy();
            edit(o -> o.set(field + "-copy", copy), a -> a.insert(index, copy));
            return path;
        }

        private void edit(Consumer<ObjectNode> onObject, Consumer<ArrayNode> onArray) {
            // An earlier mutation may have detached this slot's parent: then this edit changes nothing sent.
            if (parent instanceof ObjectNode o && o.has(field)) {
                onObject.accept(o);
            } else if (parent instanceof ArrayNode a && index < a.size()) {
                onArray.accept(a);
            }
        }
    }

    static HttpResponse<String> post(HttpClient client, int port, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + WebhookServer.PATH))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpClient client() throws Exception {
        return HttpClient.newBuilder().sslContext(TrustBundle.sslContext(certificates.bundle()))
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }
}
