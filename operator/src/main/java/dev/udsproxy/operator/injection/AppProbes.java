package dev.udsproxy.operator.injection;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The kubelet resolves a probe's named port in the probe's own container. Once the port
 * moved to the sidecar, the app's probes must use the number: the kubelet then connects
 * to the Pod's IP, reaches the sidecar, and through it the app.
 */
final class AppProbes {
    private AppProbes() {
    }

    static void replaceNamedPort(Container app, String name, int port) {
        Stream.of(app.getLivenessProbe(), app.getReadinessProbe(), app.getStartupProbe())
                .filter(Objects::nonNull)
                .forEach(p -> replace(p, name, port));
    }

    private static void replace(Probe probe, String name, int port) {
        if (probe.getHttpGet() != null && named(probe.getHttpGet().getPort(), name)) {
            probe.getHttpGet().setPort(new IntOrString(port));
        }
        if (probe.getTcpSocket() != null && named(probe.getTcpSocket().getPort(), name)) {
            probe.getTcpSocket().setPort(new IntOrString(port));
        }
    }

    private static boolean named(IntOrString port, String name) {
        return port != null && port.getStrVal() != null && port.getStrVal().equals(name);
    }
}
