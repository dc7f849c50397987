package dev.udsproxy.operator.injection;

import dev.udsproxy.operator.injection.InjectionDecision.Outcome;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Decides, from the Pod and its namespace alone, whether to inject. No I/O: the caller
 * looks up the namespace's labels. The order matters: exclusions beat an opt-out, which
 * beats the namespace label (design.md: "false" beats the namespace label).
 */
public final class InjectionPolicy {
    /** Namespaces of the cluster itself: a broken sidecar there could break the cluster. */
    private static final Set<String> SYSTEM_NAMESPACES = Set.of("kube-system", "kube-public", "kube-node-lease");

    private final String operatorNamespace;
    private final Set<String> excludedNamespaces;

    public InjectionPolicy(String operatorNamespace) {
        this(operatorNamespace, List.of());
    }

    /** {@code excludedNamespaces}: more namespaces the webhook is never called for (the chart's excludedNamespaces). */
    public InjectionPolicy(String operatorNamespace, Collection<String> excludedNamespaces) {
        this.operatorNamespace = operatorNamespace;
        this.excludedNamespaces = Set.copyOf(excludedNamespaces);
    }

    public InjectionDecision decide(Pod pod, String namespace, Map<String, String> namespaceLabels) {
        if (SYSTEM_NAMESPACES.contains(namespace) || namespace.equals(operatorNamespace)) {
            return InjectionDecision.of(Outcome.SKIP_NAMESPACE_EXCLUDED,
                    "namespace " + namespace + " is never injected (system or the operator's own)");
        }
        if (excludedNamespaces.contains(namespace)) {
            return InjectionDecision.of(Outcome.SKIP_NAMESPACE_EXCLUDED,
                    "namespace " + namespace + " is excluded from injection (webhook.excludedNamespaces)");
        }
        Map<String, String> annotations = Optional.ofNullable(pod.getMetadata().getAnnotations()).orElse(Map.of());
        Map<String, String> labels = Optional.ofNullable(pod.getMetadata().getLabels()).orElse(Map.of());
        Boolean optIn = AnnotationParser.optIn(annotations, labels);
        if (Boolean.FALSE.equals(optIn)) {
            return InjectionDecision.of(Outcome.SKIP_OPT_OUT, Annotations.INJECT + " is \"false\"");
        }
        if (annotations.containsKey(Annotations.STATUS) || hasSidecar(pod)) {
            return InjectionDecision.of(Outcome.SKIP_ALREADY_INJECTED,
                    "the Pod already has the " + Annotations.SIDECAR_CONTAINER + " sidecar");
        }
        boolean namespaceOptIn = Annotations.NAMESPACE_INJECTION_ENABLED.equals(
                namespaceLabels.get(Annotations.NAMESPACE_INJECTION));
        if (!Boolean.TRUE.equals(optIn) && !namespaceOptIn) {
            return InjectionDecision.of(Outcome.SKIP_NO_OPT_IN, "neither the Pod (" + Annotations.INJECT
                    + ") nor its namespace (" + Annotations.NAMESPACE_INJECTION + "=enabled) opts in");
        }
        if (Boolean.TRUE.equals(pod.getSpec().getHostNetwork())) {
            return InjectionDecision.of(Outcome.SKIP_HOST_NETWORK,
                    "hostNetwork Pods share the node's ports: the sidecar cannot take over the app's port");
        }
        String why = Boolean.TRUE.equals(optIn)
                ? "the Pod opts in with " + Annotations.INJECT + "=\"true\""
                : "namespace " + namespace + " has " + Annotations.NAMESPACE_INJECTION + "=enabled";
        return InjectionDecision.of(Outcome.INJECT, why);
    }

    private static boolean hasSidecar(Pod pod) {
        return Stream.concat(pod.getSpec().getContainers().stream(), pod.getSpec().getInitContainers().stream())
                .map(Container::getName)
                .anyMatch(Annotations.SIDECAR_CONTAINER::equals);
    }
}
