package dev.udsproxy.podonhost;

import dev.udsproxy.operator.injection.AnnotationParser;
import dev.udsproxy.operator.injection.ClusterFeatures;
import dev.udsproxy.operator.injection.InjectionDecision;
import dev.udsproxy.operator.injection.InjectionPolicy;
import dev.udsproxy.operator.injection.InjectionRequest;
import dev.udsproxy.operator.injection.Mutation;
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

    /**
     * The Pod as the API server would store it after our webhook; fails when the operator would not inject. A cluster
     * without native sidecars is taken as Kubernetes 1.28 (no preStop sleep action either), one with them as 1.34.
     */
    static Pod inject(Pod pod, ProfileSettings profile, boolean clusterSupportsNativeSidecars) {
        return mutation(pod, profile, clusterSupportsNativeSidecars).pod();
    }

    /** {@link #inject} with the admission warnings the webhook would return. */
    static Mutation mutation(Pod pod, ProfileSettings profile, boolean clusterSupportsNativeSidecars) {
        InjectionDecision decision = new InjectionPolicy(OPERATOR_NAMESPACE)
                .decide(pod, pod.getMetadata().getNamespace(), Map.of());
        if (!decision.inject()) {
            throw new AssertionError("the operator would not inject: " + decision);
        }
        InjectionRequest request = AnnotationParser.parse(
                Optional.ofNullable(pod.getMetadata().getAnnotations()).orElse(Map.of()));
        ClusterFeatures cluster = clusterSupportsNativeSidecars ? ClusterFeatures.of("1", "34")
                : ClusterFeatures.of("1", "28");
        return PodMutator.mutate(pod, request, profile, cluster);
    }

    /** What the webhook uses when the cluster has no SidecarProfile at all. */
    static ProfileSettings builtInProfile() {
        return ProfileSettings.from("default", null);
    }
}
