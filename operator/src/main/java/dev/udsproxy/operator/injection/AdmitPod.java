package dev.udsproxy.operator.injection;

import dev.udsproxy.operator.customresource.SidecarProfile;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.Optional;

/**
 * The use case "admit this Pod", pure: decide (the policy), read the Pod's annotations, find its profile, mutate.
 * The webhook answers the API server with it, the census asks it which Pods lack a sidecar they should have, the
 * workload code asks it whether a template's Pods would be injected, and the pod-on-host tier injects with it: one
 * sequence, no copies. What the cluster holds comes from the {@link InjectionContext}; I/O stays with the callers.
 */
public final class AdmitPod {

    /** What admission does with the Pod. */
    public sealed interface Admission {
    }

    /** The Pod with the sidecar, and what the user should hear about it (admission warnings). */
    public record Injected(InjectionDecision decision, Mutation mutation) implements Admission {
    }

    /** Let through unchanged, with the reason. */
    public record Skipped(InjectionDecision decision) implements Admission {
    }

    /**
     * Refused: an annotation (or the profile it names) is invalid; the message names the key, the value and what is
     * allowed. {@code decision} is null when the opt-in itself could not be read.
     */
    public record Refused(InjectionDecision decision, String message) implements Admission {
    }

    private final InjectionContext context;
    private final InjectionPolicy policy;

    public AdmitPod(InjectionContext context) {
        this.context = context;
        this.policy = new InjectionPolicy(context.operatorNamespace(), context.excludedNamespaces());
    }

    public Admission admit(Pod pod, String namespace) {
        Judgement judgement = judge(pod, namespace);
        if (judgement.verdict() != null) {
            return judgement.verdict();
        }
        Ready ready = judgement.ready();
        try {
            return new Injected(ready.decision(),
                    PodMutator.mutate(pod, ready.request(), ready.profile(), context.clusterFeatures()));
        } catch (InvalidAnnotationException e) {
            return new Refused(ready.decision(), e.getMessage()); // e.g. a port the app does not declare
        }
    }

    /**
     * Whether the policy, the annotations and the profile let the Pod be injected, without rendering the sidecar (the
     * census asks this for every Pod without one). What only the mutator finds wrong is not seen here.
     */
    public boolean wouldInject(Pod pod, String namespace) {
        return judge(pod, namespace).ready() != null;
    }

    /** Exactly one of the two: the verdict when it is not an injection, else what the mutator needs. */
    private record Judgement(Admission verdict, Ready ready) {
    }

    private record Ready(InjectionDecision decision, InjectionRequest request, ProfileSettings profile) {
    }

    private Judgement judge(Pod pod, String namespace) {
        InjectionDecision decision = null;
        try {
            decision = policy.decide(pod, namespace, context.namespaceLabels(namespace));
            if (!decision.inject()) {
                return new Judgement(new Skipped(decision), null);
            }
            Map<String, String> annotations = Optional.ofNullable(pod.getMetadata().getAnnotations()).orElse(Map.of());
            InjectionRequest request = AnnotationParser.parse(annotations);
            return new Judgement(null, new Ready(decision, request, profile(request.profile())));
        } catch (InvalidAnnotationException e) {
            return new Judgement(new Refused(decision, e.getMessage()), null);
        }
    }

    private ProfileSettings profile(String name) {
        var spec = context.profile(name);
        if (spec.isEmpty() && !name.equals(SidecarProfile.DEFAULT_NAME)) {
            throw new InvalidAnnotationException(Annotations.PROFILE, name,
                    "allowed are the existing SidecarProfiles: " + String.join(", ", context.profileNames()));
        }
        // Without a "default" profile the built-in defaults apply, so a fresh install injects.
        return ProfileSettings.from(name, spec.orElse(null));
    }
}
