package dev.udsproxy.cli.check;

import dev.udsproxy.operator.injection.Annotations;
import io.fabric8.kubernetes.api.model.Namespace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Pure: what a namespace's labels mean for injection (design.md: the namespace label opts every new Pod in). */
final class NamespaceVerdict {
    private static final Set<String> SYSTEM = Set.of("kube-system", "kube-public", "kube-node-lease");

    private NamespaceVerdict() {
    }

    /** {@code excluded}: the operator's namespace and the chart's webhook.excludedNamespaces. */
    static List<Finding> of(String name, Namespace namespace, Set<String> excluded) {
        if (namespace == null) {
            return List.of(Finding.fail("namespace " + name + " does not exist", "kubectl create namespace " + name));
        }
        List<Finding> findings = new ArrayList<>();
        if (SYSTEM.contains(name) || excluded.contains(name)) {
            findings.add(Finding.warn("namespace " + name + " is never injected (system, the operator's own, or"
                    + " webhook.excludedNamespaces)", "run your app in another namespace"));
            return findings;
        }
        Map<String, String> labels = Optional.ofNullable(namespace.getMetadata().getLabels()).orElse(Map.of());
        String injection = labels.get(Annotations.NAMESPACE_INJECTION);
        if (Annotations.NAMESPACE_INJECTION_ENABLED.equals(injection)) {
            findings.add(Finding.ok("namespace " + name + " opts in (" + Annotations.NAMESPACE_INJECTION
                    + "=enabled): every new Pod gets the sidecar unless it sets " + Annotations.INJECT + "=\"false\""));
        } else if (injection != null) {
            findings.add(Finding.fail("namespace " + name + " has " + Annotations.NAMESPACE_INJECTION + "=" + injection
                    + ", which opts nothing in: only \"" + Annotations.NAMESPACE_INJECTION_ENABLED + "\" does",
                    "kubectl label namespace " + name + " " + Annotations.NAMESPACE_INJECTION + "=enabled --overwrite"));
        } else {
            findings.add(Finding.ok("namespace " + name + " does not opt in as a whole: Pods opt in one by one with "
                    + Annotations.INJECT + "=\"true\" (or: kubectl label namespace " + name + " "
                    + Annotations.NAMESPACE_INJECTION + "=enabled)"));
        }
        if (labels.containsKey(Annotations.INJECT)) {
            findings.add(Finding.warn("namespace " + name + " has the label " + Annotations.INJECT
                    + ", which is read on Pods and workloads only",
                    "kubectl label namespace " + name + " " + Annotations.INJECT + "- " + Annotations.NAMESPACE_INJECTION
                            + "=enabled"));
        }
        return findings;
    }
}
