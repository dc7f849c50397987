package dev.udsproxy.cli.inject;

import dev.udsproxy.operator.customresource.SidecarProfile;
import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import dev.udsproxy.operator.injection.ClusterFeatures;
import dev.udsproxy.operator.injection.InjectionContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cluster as {@code udsproxy inject} assumes it, with no cluster to ask: the SidecarProfiles given with
 * {@code --profile} (without one named {@code default}, the webhook's built-in defaults, which are what the chart's
 * {@code default} profile holds), the labels of the Namespaces found in the input, and the Kubernetes version given.
 */
public final class OfflineInjectionContext implements InjectionContext {
    private final String operatorNamespace;
    private final Map<String, SidecarProfileSpec> profiles;
    private final Map<String, Map<String, String>> namespaceLabels;
    private final ClusterFeatures features;

    public OfflineInjectionContext(String operatorNamespace, List<SidecarProfile> profiles,
            Map<String, Map<String, String>> namespaceLabels, ClusterFeatures features) {
        this.operatorNamespace = operatorNamespace;
        this.profiles = new TreeMap<>();
        profiles.forEach(p -> this.profiles.put(p.getMetadata().getName(), p.getSpec()));
        this.namespaceLabels = Map.copyOf(namespaceLabels);
        this.features = features;
    }

    @Override
    public String operatorNamespace() {
        return operatorNamespace;
    }

    @Override
    public List<String> excludedNamespaces() {
        return List.of();
    }

    @Override
    public Map<String, String> namespaceLabels(String namespace) {
        return namespaceLabels.getOrDefault(namespace, Map.of());
    }

    @Override
    public Optional<SidecarProfileSpec> profile(String name) {
        return Optional.ofNullable(profiles.get(name));
    }

    /** The given profiles and {@code default}, which always exists here (built in when not given). */
    @Override
    public List<String> profileNames() {
        var names = new TreeSet<>(profiles.keySet());
        names.add(SidecarProfile.DEFAULT_NAME);
        return List.copyOf(names);
    }

    @Override
    public ClusterFeatures clusterFeatures() {
        return features;
    }
}
