package dev.udsproxy.cli.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.udsproxy.cli.inject.YamlDocuments.Document;
import dev.udsproxy.operator.customresource.SidecarProfile;
import dev.udsproxy.operator.injection.ClusterFeatures;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Manifests in, manifests out, no I/O: every Pod template of a workload (Deployment, StatefulSet, DaemonSet,
 * ReplicaSet, Job, CronJob) and every bare Pod, also inside a {@code kind: List}, injected as the cluster would
 * ({@link TemplateInjection}). A document with nothing to inject is printed back as it was read, byte for byte; an
 * injected one is written anew (its comments inside are lost, those above it are kept).
 */
public final class ManifestInjector {
    /** The input files, each with its name for messages ("-" is standard input). */
    public record Source(String name, String text) {
    }

    public record Output(String text, List<String> warnings) {
    }

    /** Bad input: the message names the file, the object and what is wrong or allowed. */
    public static final class InvalidManifestException extends RuntimeException {
        InvalidManifestException(String message) {
            super(message);
        }
    }

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final String operatorNamespace;
    private final List<SidecarProfile> profiles;
    private final ClusterFeatures cluster;
    private final String defaultNamespace;

    /**
     * {@code defaultNamespace}: of objects that name none (kubectl's {@code -n}). {@code profiles}: the
     * SidecarProfiles that exist, besides those found in the input.
     */
    public ManifestInjector(String operatorNamespace, List<SidecarProfile> profiles, ClusterFeatures cluster,
            String defaultNamespace) {
        this.operatorNamespace = operatorNamespace;
        this.profiles = List.copyOf(profiles);
        this.cluster = cluster;
        this.defaultNamespace = defaultNamespace;
    }

    public Output inject(List<Source> sources) {
        List<Parsed> parsed = new ArrayList<>();
        for (Source source : sources) {
            for (Document document : YamlDocuments.split(source.text())) {
                parsed.add(new Parsed(source.name(), document, document.isBlank() ? null : read(source, document)));
            }
        }
        var context = context(parsed);
        var injection = new TemplateInjection(context);
        StringBuilder out = new StringBuilder();
        List<String> warnings = new ArrayList<>();
        for (Parsed p : parsed) {
            String text = p.document().text();
            if (p.object() != null && injectObject(injection, p.object(), p, warnings)) {
                text = leadingComments(text) + write(p.object());
            }
            if (!out.isEmpty() && !text.startsWith("---")) {
                // Documents of different files, or an injected document that had no marker: keep them apart.
                out.append("---\n");
            }
            out.append(text);
            if (!text.endsWith("\n")) {
                out.append('\n');
            }
        }
        return new Output(out.toString(), List.copyOf(warnings));
    }

    private record Parsed(String source, Document document, JsonNode object) {
        String where(JsonNode object) {
            return source + " (line " + document.firstLine() + "): " + ObjectKind.describe(object);
        }
    }

    /** True when {@code object} (or an item of it, for a List) changed. */
    private boolean injectObject(TemplateInjection injection, JsonNode object, Parsed at, List<String> warnings) {
        if (ObjectKind.isList(object)) {
            boolean changed = false;
            for (JsonNode item : object.path("items")) {
                changed |= injectObject(injection, item, at, warnings);
            }
            return changed;
        }
        var template = ObjectKind.podTemplate(object);
        if (template.isEmpty()) {
            return false;
        }
        String namespace = object.path("metadata").path("namespace").asText(defaultNamespace);
        boolean bare = template.get() == object;
        try {
            var result = injection.inject(object.path("kind").asText(), bare ? null : object.path("metadata"),
                    template.get(), namespace);
            result.warnings().forEach(w -> warnings.add(at.where(object) + ": " + w));
            return result.changed();
        } catch (TemplateInjection.Refused e) {
            throw new InvalidManifestException(at.where(object) + ": " + e.getMessage());
        }
    }

    /** The Namespaces' labels and the SidecarProfiles in the input are the cluster's too once it is applied. */
    private OfflineInjectionContext context(List<Parsed> parsed) {
        Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
        List<SidecarProfile> all = new ArrayList<>(profiles);
        for (Parsed p : parsed) {
            for (JsonNode object : ObjectKind.flatten(p.object())) {
                if (ObjectKind.is(object, "v1", "Namespace")) {
                    Map<String, String> labels = new HashMap<>();
                    object.path("metadata").path("labels").properties()
                            .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
                    namespaceLabels.put(object.path("metadata").path("name").asText(), labels);
                } else if (ObjectKind.is(object, "udsproxy.dev/v1alpha1", "SidecarProfile")) {
                    all.add(profile(p, object));
                }
            }
        }
        return new OfflineInjectionContext(operatorNamespace, all, namespaceLabels, cluster);
    }

    private static SidecarProfile profile(Parsed at, JsonNode object) {
        try {
            return SERIALIZATION.convertValue(object, SidecarProfile.class);
        } catch (RuntimeException e) {
            throw new InvalidManifestException(at.where(object) + ": not a readable SidecarProfile: " + e.getMessage());
        }
    }

    private static JsonNode read(Source source, Document document) {
        JsonNode object;
        try {
            object = YAML.readTree(document.text());
        } catch (JsonProcessingException e) {
            throw new InvalidManifestException(source.name() + " (document at line " + document.firstLine()
                    + "): not valid YAML: " + e.getOriginalMessage() + " at line "
                    + (document.firstLine() + e.getLocation().getLineNr() - 1));
        }
        if (object == null || object.isNull()) {
            return null;
        }
        if (!object.isObject() || !object.path("kind").isTextual() || !object.path("apiVersion").isTextual()) {
            throw new InvalidManifestException(source.name() + " (document at line " + document.firstLine()
                    + "): not a Kubernetes object: allowed is a mapping with apiVersion and kind");
        }
        return object;
    }

    /** The comments and {@code ---} above an object: a file's header survives injection. */
    private static String leadingComments(String text) {
        StringBuilder kept = new StringBuilder();
        for (String line : text.split("(?<=\n)")) {
            String s = line.strip();
            if (!s.isEmpty() && !s.startsWith("#") && !s.equals("---")) {
                break;
            }
            kept.append(line);
        }
        return kept.toString();
    }

    static String write(JsonNode object) {
        try {
            return YAML.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
