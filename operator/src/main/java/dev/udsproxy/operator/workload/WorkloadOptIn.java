package dev.udsproxy.operator.workload;

import dev.udsproxy.operator.customresource.SidecarProfile;
import dev.udsproxy.operator.injection.Annotations;
import dev.udsproxy.operator.injection.InjectedReadinessGate;
import dev.udsproxy.operator.injection.AdmitPod;
import dev.udsproxy.operator.injection.InjectionContext;
import dev.udsproxy.operator.injection.ProfileSettings;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Pure: what a workload's Pod template must carry. An opted-in workload gets the opt-in as
 * annotation (what the webhook reads) and label (what the webhook's objectSelector
 * matches), plus its profile's hash: a new hash changes the template, which rolls it. All of
 * it in one write, so a first opt-in rolls the workload once at most.
 */
public final class WorkloadOptIn {

    /** What the template's metadata and readiness gates must be. */
    public record TemplateOptIn(Map<String, String> labels, Map<String, String> annotations,
            List<PodReadinessGate> readinessGates) {
    }

    /**
     * What the caller looked up in the cluster. {@code injectable}: the webhook would inject an opted-in Pod of this
     * template in its namespace (not excluded, no hostNetwork): only then may the template carry the readiness gate,
     * which only the webhook takes off. {@code podsInjectedWith}: whether every live Pod of the workload was injected
     * with this profile and hash (asked only for a template that is opted in by label already).
     */
    public record Cluster(boolean injectable, PodsInjectedWith podsInjectedWith) {
    }

    @FunctionalInterface
    public interface PodsInjectedWith {
        boolean test(String profile, String hash);
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
     * The profile's hash, the built-in default's when no "default" profile exists, null for a missing named one.
     * Shared with {@code udsproxy inject}, which writes what the operator would.
     */
    public static String profileHash(InjectionContext context, String profile) {
        var spec = context.profile(profile);
        if (spec.isEmpty() && !SidecarProfile.DEFAULT_NAME.equals(profile)) {
            return null;
        }
        return ProfileSettings.from(profile, spec.orElse(null)).hash();
    }

    /** Would the webhook inject a Pod of this template once it is opted in? The webhook's own use case decides. */
    public static boolean injectable(InjectionContext context, String namespace, PodSpec template) {
        Pod pod = new PodBuilder().withNewMetadata().withNamespace(namespace)
                .addToLabels(Annotations.INJECT, "true").addToAnnotations(Annotations.INJECT, "true").endMetadata()
                .withSpec(template).build();
        return new AdmitPod(context).wouldInject(pod, namespace);
    }

    /**
     * The template to write, or empty when the template is right already.
     * {@code profileHash} gives a profile's hash, or null when the profile does not exist.
     */
    public static Optional<TemplateOptIn> desired(ObjectMeta workload, PodTemplateSpec template,
            Function<String, String> profileHash, Cluster cluster) {
        ObjectMeta meta = Optional.ofNullable(template.getMetadata()).orElseGet(ObjectMeta::new);
        PodSpec spec = Optional.ofNullable(template.getSpec()).orElseGet(PodSpec::new);
        Map<String, String> labels = new LinkedHashMap<>(Optional.ofNullable(meta.getLabels()).orElse(Map.of()));
        Map<String, String> annotations = new LinkedHashMap<>(annotations(meta));
        List<PodReadinessGate> gates = Optional.ofNullable(spec.getReadinessGates()).orElse(List.of());
        String optIn = annotations(workload).get(Annotations.INJECT);
        if ("true".equals(optIn)) {
            String profile = profileName(workload, meta);
            String hash = profileHash.apply(profile);
            if (hash != null && injectedAlready(meta, profile, hash, cluster)) {
                return Optional.empty();
            }
            labels.put(Annotations.INJECT, "true");
            annotations.put(Annotations.INJECT, "true");
            if (hash != null) {
                annotations.put(Annotations.PROFILE_HASH, hash);
            }
            if (annotations(workload).containsKey(Annotations.PROFILE)) {
                annotations.put(Annotations.PROFILE, profile);
            }
            gates = cluster.injectable() ? InjectedReadinessGate.with(spec) : InjectedReadinessGate.without(spec);
        } else if ("false".equals(optIn)) {
            labels.remove(Annotations.INJECT);
            annotations.put(Annotations.INJECT, "false");
            annotations.remove(Annotations.PROFILE_HASH);
            gates = InjectedReadinessGate.without(spec);
        } else if (annotations.containsKey(Annotations.PROFILE_HASH)) {
            // We opted this template in earlier and the workload no longer asks: undo what we wrote.
            labels.remove(Annotations.INJECT);
            annotations.remove(Annotations.INJECT);
            annotations.remove(Annotations.PROFILE_HASH);
            gates = InjectedReadinessGate.without(spec);
        }
        boolean same = Objects.equals(labels, Optional.ofNullable(meta.getLabels()).orElse(Map.of()))
                && Objects.equals(annotations, annotations(meta))
                && Objects.equals(gates, Optional.ofNullable(spec.getReadinessGates()).orElse(List.of()));
        return same ? Optional.empty() : Optional.of(new TemplateOptIn(labels, annotations, gates));
    }

    /**
     * A template that the webhook's selector matches already (the user labelled it) and whose Pods all carry the
     * current profile needs nothing from us: writing the hash would roll the workload to get the same Pods. Its
     * first profile change writes the hash (and the readiness gate) and rolls it, as it must anyway.
     */
    private static boolean injectedAlready(ObjectMeta template, String profile, String hash, Cluster cluster) {
        return "true".equals(Optional.ofNullable(template.getLabels()).orElse(Map.of()).get(Annotations.INJECT))
                && !"false".equals(annotations(template).get(Annotations.INJECT))
                && !annotations(template).containsKey(Annotations.PROFILE_HASH)
                && cluster.podsInjectedWith().test(profile, hash);
    }

    private static Map<String, String> annotations(ObjectMeta meta) {
        return meta == null || meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
    }
}
