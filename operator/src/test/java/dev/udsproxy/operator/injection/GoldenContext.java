package dev.udsproxy.operator.injection;

import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import dev.udsproxy.operator.webhook.InjectionContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The cluster as a golden case sees it ({@code context.yaml}, optional): what informers
 * would tell the webhook in production.
 */
public class GoldenContext implements InjectionContext {
    public boolean clusterSupportsNativeSidecars = true;
    public String operatorNamespace = "udsproxy-system";
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
    public boolean clusterSupportsNativeSidecars() {
        return clusterSupportsNativeSidecars;
    }
}
