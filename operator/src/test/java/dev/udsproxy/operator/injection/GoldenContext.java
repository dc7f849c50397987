package dev.udsproxy.operator.injection;

import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The cluster as a golden case sees it ({@code context.yaml}, optional): what informers
 * would tell the webhook in production.
 */
public class GoldenContext implements InjectionContext {
    /** The API server's version: what the Pod may use follows from it ({@link ClusterFeatures}). */
    public String kubernetesVersion = "1.34";
    public String operatorNamespace = "udsproxy-system";
    public List<String> excludedNamespaces = List.of();
    public Map<String, Map<String, String>> namespaceLabels = new TreeMap<>();
    public Map<String, SidecarProfileSpec> profiles = new TreeMap<>();

    @Override
    public String operatorNamespace() {
        return operatorNamespace;
    }

    @Override
    public Map<String, String> namespaceLabels(String namespace) {
        return namespaceLabels.getOrDefault(namespace, Map.of());
    }

    @Override
    public Optional<SidecarProfileSpec> profile(String name) {
        return Optional.ofNullable(profiles.get(name));
    }

    @Override
    public List<String> profileNames() {
        return List.copyOf(profiles.keySet());
    }

    @Override
    public ClusterFeatures clusterFeatures() {
        String[] version = kubernetesVersion.split("\\.");
        return ClusterFeatures.of(version[0], version[1]);
    }

    @Override
    public List<String> excludedNamespaces() {
        return excludedNamespaces;
    }
}
