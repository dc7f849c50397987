package dev.udsproxy.operator.injection;

import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What admitting a Pod needs to know about the cluster ({@link AdmitPod}): the namespace facts and the profiles it can
 * see. The operator backs it with informer caches ({@code cluster.ClusterInjectionContext}), the CLI and the tests
 * with files.
 */
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
