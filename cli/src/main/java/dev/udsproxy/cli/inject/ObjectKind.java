package dev.udsproxy.cli.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Which objects hold a Pod template, and where: the one place that knows the workload kinds' shapes. */
final class ObjectKind {
    /** apiVersion/kind of the workloads whose {@code spec.template} is a Pod template. */
    private static final Map<String, String> TEMPLATE_AT_SPEC = Map.of(
            "Deployment", "apps/v1", "StatefulSet", "apps/v1", "DaemonSet", "apps/v1", "ReplicaSet", "apps/v1",
            "Job", "batch/v1");

    private ObjectKind() {
    }

    static boolean is(JsonNode object, String apiVersion, String kind) {
        return object != null && apiVersion.equals(object.path("apiVersion").asText())
                && kind.equals(object.path("kind").asText());
    }

    /** {@code kind: List} (v1), and the typed lists such as DeploymentList that kubectl get -o yaml prints. */
    static boolean isList(JsonNode object) {
        return object != null && object.path("kind").asText().endsWith("List") && object.path("items").isArray();
    }

    /** The object and, for a List, its items (nested Lists too). */
    static List<JsonNode> flatten(JsonNode object) {
        List<JsonNode> all = new ArrayList<>();
        if (object == null) {
            return all;
        }
        if (isList(object)) {
            object.path("items").forEach(item -> all.addAll(flatten(item)));
        } else {
            all.add(object);
        }
        return all;
    }

    /** The Pod template to inject, in place: the object itself for a bare Pod; empty for anything else. */
    static Optional<ObjectNode> podTemplate(JsonNode object) {
        String kind = object.path("kind").asText();
        if (is(object, "v1", "Pod")) {
            return Optional.of((ObjectNode) object);
        }
        JsonNode template;
        if (is(object, "batch/v1", "CronJob")) {
            template = object.path("spec").path("jobTemplate").path("spec").path("template");
        } else if (TEMPLATE_AT_SPEC.containsKey(kind) && is(object, TEMPLATE_AT_SPEC.get(kind), kind)) {
            template = object.path("spec").path("template");
        } else {
            return Optional.empty();
        }
        return template.isObject() ? Optional.of((ObjectNode) template) : Optional.empty();
    }

    /** "Deployment shop/web", as messages name an object. */
    static String describe(JsonNode object) {
        JsonNode metadata = object.path("metadata");
        String namespace = metadata.path("namespace").asText("");
        return object.path("kind").asText("object") + " " + (namespace.isEmpty() ? "" : namespace + "/")
                + metadata.path("name").asText(metadata.path("generateName").asText("(no name)"));
    }
}
