package dev.udsproxy.cli.check;

import dev.udsproxy.contract.SocketPaths;
import dev.udsproxy.operator.injection.Annotations;
import dev.udsproxy.operator.injection.AppEnv;
import dev.udsproxy.operator.injection.InjectedReadinessGate;
import dev.udsproxy.operator.injection.InjectionDecision;
import dev.udsproxy.operator.injection.InjectionStatus;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Pure: what a Pod's spec and status say about its sidecar, without exec: the status annotation, the container
 * statuses, the readiness gate, and the sidecar's own /readyz answer when the caller could fetch it.
 */
final class PodVerdict {
    private PodVerdict() {
    }

    /**
     * {@code decision}: what the webhook's policy decides for this Pod as it is now (used when it has no sidecar);
     * {@code readyz}: the sidecar's /readyz body, or null when it could not be fetched.
     */
    static List<Finding> of(Pod pod, InjectionDecision decision, String readyz) {
        String name = "Pod " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        Map<String, String> annotations = Optional.ofNullable(pod.getMetadata().getAnnotations()).orElse(Map.of());
        var status = InjectionStatus.parse(annotations.get(Annotations.STATUS));
        boolean hasSidecar = Stream.concat(pod.getSpec().getContainers().stream(),
                pod.getSpec().getInitContainers().stream()).anyMatch(c -> Annotations.SIDECAR_CONTAINER.equals(c.getName()));
        List<Finding> findings = new ArrayList<>();
        if (!hasSidecar) {
            if (decision.inject()) {
                findings.add(Finding.fail(name + " opted in (" + decision.reason() + ") but has no sidecar: the webhook"
                        + " was not called or did not answer when it was created",
                        "fix the lines above, then recreate it (kubectl delete pod, or kubectl rollout restart its"
                                + " workload)"));
            } else {
                findings.add(Finding.warn(name + " has no sidecar: " + decision.reason(),
                        "opt in with the annotation and label " + Annotations.INJECT + "=\"true\" on the Pod template"));
            }
            return findings;
        }
        findings.add(Finding.ok(name + " has the " + Annotations.SIDECAR_CONTAINER + " sidecar" + status
                .map(s -> " (profile " + s.profile() + ", " + s.mode() + ", port " + s.port() + " -> "
                        + SocketPaths.appSocket(s.socket()) + ")").orElse("")));
        if (InjectedReadinessGate.has(pod.getSpec())) {
            findings.add(Finding.fail(name + " still has the readiness gate " + Annotations.INJECTED_CONDITION
                    + ", which the webhook takes off as it injects: it never becomes Ready",
                    "recreate the Pod so that the webhook admits it"));
        }
        Optional<ContainerStatus> sidecar = Stream.concat(
                Optional.ofNullable(pod.getStatus()).map(s -> s.getContainerStatuses().stream()).orElseGet(Stream::empty),
                Optional.ofNullable(pod.getStatus()).map(s -> s.getInitContainerStatuses().stream())
                        .orElseGet(Stream::empty))
                .filter(s -> Annotations.SIDECAR_CONTAINER.equals(s.getName())).findFirst();
        String socket = status.map(s -> SocketPaths.appSocket(s.socket())).orElse("the app's socket");
        if (sidecar.isEmpty()) {
            findings.add(Finding.warn(name + ": the sidecar has not started yet (no container status)",
                    "kubectl describe pod " + pod.getMetadata().getName() + " -n " + pod.getMetadata().getNamespace()));
        } else if (Boolean.TRUE.equals(sidecar.get().getReady())) {
            findings.add(Finding.ok(name + ": the sidecar is ready, so it reaches " + socket));
        } else {
            findings.add(Finding.fail(name + ": the sidecar is not ready: " + why(sidecar.get(), readyz),
                    "the app must listen on $" + AppEnv.SOCKET + " (" + socket + ") with a socket the sidecar's group may"
                            + " write (0660, the Pod's fsGroup); kubectl logs " + pod.getMetadata().getName() + " -n "
                            + pod.getMetadata().getNamespace() + " -c " + Annotations.SIDECAR_CONTAINER));
        }
        return findings;
    }

    private static String why(ContainerStatus status, String readyz) {
        var state = status.getState();
        if (state != null && state.getWaiting() != null) {
            return "waiting (" + state.getWaiting().getReason() + ")";
        }
        if (state != null && state.getTerminated() != null) {
            return "terminated (" + state.getTerminated().getReason() + ", exit " + state.getTerminated().getExitCode()
                    + ")";
        }
        return readyz == null ? "running, /readyz not 200" : "/readyz says \"" + readyz.strip() + "\"";
    }
}
