package dev.udsproxy.podonhost;

import dev.udsproxy.operator.customresource.SidecarProfile;
import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import dev.udsproxy.operator.injection.AdmitPod;
import dev.udsproxy.operator.injection.ClusterFeatures;
import dev.udsproxy.operator.injection.InjectionContext;
import dev.udsproxy.operator.injection.Mutation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's own admission use case ({@link AdmitPod}), the one its webhook answers with, on a cluster that holds
 * one SidecarProfile. No copy of any rule or step lives here.
 */
final class OperatorInjection {
    static final String OPERATOR_NAMESPACE = "udsproxy-system";

    private OperatorInjection() {
    }

    /**
     * The Pod as the API server would store it after our webhook; fails when the operator would not inject. A cluster
     * without native sidecars is taken as Kubernetes 1.28 (no preStop sleep action either), one with them as 1.34.
     */
    static Pod inject(Pod pod, SidecarProfile profile, boolean clusterSupportsNativeSidecars) {
        return mutation(pod, profile, clusterSupportsNativeSidecars).pod();
    }

    /**
     * {@link #inject} with the admission warnings the webhook would return. A profile other than {@code default} is
     * asked for as a user would: the Pod gets the {@code udsproxy.dev/profile} annotation.
     */
    static Mutation mutation(Pod pod, SidecarProfile profile, boolean clusterSupportsNativeSidecars) {
        String name = profile.getMetadata().getName();
        Pod asking = SidecarProfile.DEFAULT_NAME.equals(name) ? pod
                : new PodBuilder(pod).editMetadata().addToAnnotations("udsproxy.dev/profile", name).endMetadata().build();
        ClusterFeatures features = clusterSupportsNativeSidecars ? ClusterFeatures.of("1", "34")
                : ClusterFeatures.of("1", "28");
        var admission = new AdmitPod(new OneProfileCluster(profile, features))
                .admit(asking, asking.getMetadata().getNamespace());
        if (!(admission instanceof AdmitPod.Injected injected)) {
            throw new AssertionError("the operator would not inject: " + admission);
        }
        return injected.mutation();
    }

    /** A SidecarProfile as the cluster would hold it; a null spec takes every default. */
    static SidecarProfile profile(String name, SidecarProfileSpec spec) {
        SidecarProfile profile = new SidecarProfile();
        profile.getMetadata().setName(name);
        profile.setSpec(spec);
        return profile;
    }

    /** What the webhook uses when the cluster has no SidecarProfile at all. */
    static SidecarProfile builtInProfile() {
        return profile(SidecarProfile.DEFAULT_NAME, null);
    }

    /** No namespace labels (the Pods opt in themselves), one profile, the given Kubernetes version. */
    private record OneProfileCluster(SidecarProfile profile, ClusterFeatures clusterFeatures)
            implements InjectionContext {
        @Override
        public String operatorNamespace() {
            return OPERATOR_NAMESPACE;
        }

        @Override
        public List<String> excludedNamespaces() {
            return List.of();
        }

        @Override
        public Map<String, String> namespaceLabels(String namespace) {
            return Map.of();
        }

        @Override
        public Optional<SidecarProfileSpec> profile(String name) {
            return name.equals(profile.getMetadata().getName()) ? Optional.ofNullable(profile.getSpec())
                    : Optional.empty();
        }

        @Override
        public List<String> profileNames() {
            return List.of(profile.getMetadata().getName());
        }
    }
}
