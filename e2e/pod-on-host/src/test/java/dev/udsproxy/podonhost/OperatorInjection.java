package dev.udsproxy.podonhost;

import dev.udsproxy.operator.injection.AnnotationParser;
import dev.udsproxy.operator.injection.InjectionDecision;
import dev.udsproxy.operator.injection.InjectionPolicy;
import dev.udsproxy.operator.injection.InjectionRequest;
import dev.udsproxy.operator.injection.PodMutator;
import dev.udsproxy.operator.injection.ProfileSettings;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's own injection code, called the way its admission handler calls it: policy, then
 * the Pod's annotations, then the mutator. No copy of any rule lives here.
 */
final class OperatorInjection {
    static final String OPERATOR_NAMESPACE = "udsproxy-system";

    private OperatorInjection() {
    }

    /** The Pod as the API server would store it after our webhook; fails when the operator would not inject. */
    static Pod inject(Pod pod, ProfileSettings profile, boolean clusterSupportsNativeSidecars) {
        InjectionDecision decision = new InjectionPolicy(OPERATOR_NAMESPACE)
                .decide(pod, pod.getMetadata().getNamespace(), Map.of());
        if (!decision.inject()) {
            throw new AssertionError("the operator would not inject: " + decision);
        }
        InjectionRequest request = AnnotationParser.parse(
                Optional.ofNullable(pod.getMetadata().getAnnotations()).orElse(Map.of()));
        return PodMutator.mutate(pod, request, profile, clusterSupportsNativeSidecars).pod();
    }

    /** What the webhook uses when the cluster has no SidecarProfile at all. */
    static ProfileSettings builtInProfile() {
        return ProfileSettings.from("default", null);
    }
}
