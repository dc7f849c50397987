package dev.udsproxy.operator.injection;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The app's probes move to the sidecar, so an opted-in Pod that comes without it (webhook uninstalled, or down while
 * the webhook configuration let it through) has no probe left and would be Ready at once: a rollout would replace
 * working Pods with it. The gate {@link Annotations#INJECTED_CONDITION} on the workload's template keeps such a Pod
 * unready for good; the webhook takes it off the Pods it injects, whose readiness the sidecar's probe then decides.
 */
public final class InjectedReadinessGate {
    private InjectedReadinessGate() {
    }

    public static boolean has(PodSpec spec) {
        return gates(spec).stream().anyMatch(InjectedReadinessGate::ours);
    }

    /** The spec with our gate added after the user's own (a copy; the input is not changed). */
    public static List<PodReadinessGate> with(PodSpec spec) {
        List<PodReadinessGate> gates = new ArrayList<>(gates(spec));
        if (gates.stream().noneMatch(InjectedReadinessGate::ours)) {
            gates.add(new PodReadinessGate(Annotations.INJECTED_CONDITION));
        }
        return gates;
    }

    /** The spec's gates without ours (a copy). */
    public static List<PodReadinessGate> without(PodSpec spec) {
        return gates(spec).stream().filter(g -> !ours(g)).toList();
    }

    static void remove(Pod pod) {
        if (has(pod.getSpec())) {
            List<PodReadinessGate> rest = without(pod.getSpec());
            // An empty list and no list are the same to Kubernetes; no list keeps the patch and the Pod small.
            pod.getSpec().setReadinessGates(rest.isEmpty() ? null : new ArrayList<>(rest));
        }
    }

    private static List<PodReadinessGate> gates(PodSpec spec) {
        return Optional.ofNullable(spec.getReadinessGates()).orElse(List.of());
    }

    private static boolean ours(PodReadinessGate gate) {
        return Annotations.INJECTED_CONDITION.equals(gate.getConditionType());
    }
}
