package dev.udsproxy.podonhost;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A probe run the way the kubelet runs it: a named port is looked up in the probe's own container
 * (a name that container does not declare fails the probe), the host is the Pod's IP (here
 * loopback), the timeout is the probe's, and 200-399 is success.
 */
final class KubeletProbe {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    record Result(boolean success, int status, String detail) {
        @Override
        public String toString() {
            return (success ? "success " : "failure ") + status + " " + detail.strip();
        }
    }

    private KubeletProbe() {
    }

    static Result run(Probe probe, Container container, HostRewrite rewrite) throws InterruptedException {
        HTTPGetAction get = probe.getHttpGet();
        if (get == null) {
            throw new IllegalArgumentException("container " + container.getName()
                    + ": only httpGet probes are supported here, got " + probe);
        }
        String scheme = get.getScheme() == null ? "http" : get.getScheme().toLowerCase();
        URI uri = URI.create(scheme + "://127.0.0.1:" + rewrite.hostPort(containerPort(get.getPort(), container))
                + get.getPath());
        int timeout = probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(timeout)).GET().build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            return new Result(status >= 200 && status < 400, status, response.body());
        } catch (IOException e) {
            return new Result(false, 0, uri + ": " + e);
        }
    }

    static int containerPort(IntOrString port, Container container) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream()
                .filter(p -> port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(() -> new AssertionError("probe port '" + port.getStrVal()
                        + "' is not a port name of container " + container.getName() + ", whose ports are "
                        + container.getPorts()));
    }
}
