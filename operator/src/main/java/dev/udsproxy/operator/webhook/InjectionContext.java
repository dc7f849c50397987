package dev.udsproxy.operator.webhook;

import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import dev.udsproxy.operator.injection.ClusterFeatures;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the admission decision needs from the cluster; the webhook backs it with informers, tests with files. */
public interface InjectionContext {

    String operatorNamespace();

    /** Namespaces never injected besides the system ones and the operator's own (the chart's webhook.excludedNamespaces). */
    List<String> excludedNamespaces();

    /** Empty map when the namespace is unknown. */
    Map<String, String> namespaceLabels(String namespace);

    Optional<SidecarProfileSpec> profile(String name);

    List<String> profileNames();

    ClusterFeatures clusterFeatures();
}
