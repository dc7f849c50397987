package dev.udsproxy.operator.workload;

import dev.udsproxy.operator.customresource.SidecarProfile;
import dev.udsproxy.operator.injection.Annotations;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Pure: what a workload's Pod template must carry. An opted-in workload gets the opt-in as
 * annotation (what the webhook reads) and label (what the webhook's objectSelector
 * matches), plus its profile's hash: a new hash changes the template, which rolls it.
 */
public final class WorkloadOptIn {

    public record TemplateMetadata(Map<String, String> labels, Map<String, String> annotations) {
    }

    private WorkloadOptIn() {
    }

    /** The profile a workload's Pods use: the template's annotation, else the workload's, else default. */
    public static String profileName(ObjectMeta workload, ObjectMeta template) {
        return Optional.ofNullable(annotations(template).get(Annotations.PROFILE))
                .or(() -> Optional.ofNullable(annotations(workload).get(Annotations.PROFILE)))
                .orElse(SidecarProfile.DEFAULT_NAME);
    }

    /**
     * The template metadata to write, or empty when the template is right already.
     * {@code profileHash} gives a profile's hash, or null when the profile does not exist.
     */
    public static Optional<TemplateMetadata> desired(ObjectMeta workload, ObjectMeta template,
            Function<String, String> profileHash) {
        Map<String, String> labels = new LinkedHashMap<>(Optional.ofNullable(template.getLabels()).orElse(Map.of()));
        Map<String, String> annotations = new LinkedHashMap<>(annotations(template));
        String optIn = annotations(workload).get(Annotations.INJECT);
        if ("true".equals(optIn)) {
            String profile = profileName(workload, template);
            labels.put(Annotations.INJECT, "true");
            annotations.put(Annotations.INJECT, "true");
            String hash = profileHash.apply(profile);
            if (hash != null) {
                annotations.put(Annotations.PROFILE_HASH, hash);
            }
            if (annotations(workload).containsKey(Annotations.PROFILE)) {
                annotations.put(Annotations.PROFILE, profile);
            }
        } else if ("false".equals(optIn)) {
            labels.remove(Annotations.INJECT);
            annotations.put(Annotations.INJECT, "false");
            annotations.remove(Annotations.PROFILE_HASH);
        } else if (annotations.containsKey(Annotations.PROFILE_HASH)) {
            // We opted this template in earlier and the workload no longer asks: undo what we wrote.
            labels.remove(Annotations.INJECT);
            annotations.remove(Annotations.INJECT);
            annotations.remove(Annotations.PROFILE_HASH);
        }
        var next = new TemplateMetadata(labels, annotations);
        boolean same = Objects.equals(labels, Optional.ofNullable(template.getLabels()).orElse(Map.of()))
                && Objects.equals(annotations, annotations(template));
        return same ? Optional.empty() : Optional.of(next);
    }

    private static Map<String, String> annotations(ObjectMeta meta) {
        return meta == null || meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
    }
}
