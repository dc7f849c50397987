package dev.udsproxy.cli.check;

import dev.udsproxy.operator.injection.Annotations;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.stream.Stream;

/**
 * The sidecar's /readyz answer through the API server's Pod proxy, no exec needed: its body names why the sidecar
 * is not ready (e.g. the socket refused or missing). Null when it cannot be fetched (no proxy rights, Pod network
 * unreachable from the API server).
 */
final class SidecarReadyz {
    private SidecarReadyz() {
    }

    static String fetch(KubernetesClient client, Pod pod) {
        var port = Stream.concat(pod.getSpec().getContainers().stream(), pod.getSpec().getInitContainers().stream())
                .filter(c -> Annotations.SIDECAR_CONTAINER.equals(c.getName()))
                .flatMap(c -> c.getPorts().stream()).filter(p -> Annotations.ADMIN_PORT_NAME.equals(p.getName()))
                .map(p -> p.getContainerPort()).findFirst();
        if (port.isEmpty() || pod.getStatus() == null || pod.getStatus().getPodIP() == null) {
            return null;
        }
        String path = "/api/v1/namespaces/" + pod.getMetadata().getNamespace() + "/pods/" + pod.getMetadata().getName()
                + ":" + port.get() + "/proxy/readyz";
        try {
            return client.raw(path);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
