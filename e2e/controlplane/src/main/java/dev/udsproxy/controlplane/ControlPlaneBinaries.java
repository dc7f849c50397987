package dev.udsproxy.controlplane;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where the binaries built by {@code e2e/controlplane/build.sh} live. Other modules' tests use this
 * too, e.g. to run {@code helm} or {@code kubectl} against the control plane.
 *
 * <p>The folder comes from the system property {@value #PROPERTY}, else the environment variable
 * {@value #ENV}, else {@code ~/.cache/udsproxy/k8s-v1.34.4/bin}. A missing binary is an error, not a
 * reason to skip: a test tier that silently vanishes is worse than a red build.
 */
public final class ControlPlaneBinaries {

    public static final String KUBERNETES_VERSION = "v1.34.4";
    public static final String PROPERTY = "udsproxy.k8s.bin";
    public static final String ENV = "UDSPROXY_K8S_BIN";

    private final Path dir;

    public ControlPlaneBinaries(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    /** The folder named by the system property, the environment or the default cache folder. */
    public static ControlPlaneBinaries locate() {
        return new ControlPlaneBinaries(resolveDir(System.getProperties().getProperty(PROPERTY), System.getenv(),
                Path.of(System.getProperty("user.home"))));
    }

    static Path resolveDir(String property, Map<String, String> env, Path home) {
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        return home.resolve(".cache/udsproxy/k8s-" + KUBERNETES_VERSION + "/bin");
    }

    public Path dir() {
        return dir;
    }

    public Path etcd() {
        return require("etcd");
    }

    public Path kubeApiserver() {
        return require("kube-apiserver");
    }

    public Path kubeControllerManager() {
        return require("kube-controller-manager");
    }

    public Path kubeScheduler() {
        return require("kube-scheduler");
    }

    public Path kubectl() {
        return require("kubectl");
    }

    public Path helm() {
        return require("helm");
    }

    public Path kind() {
        return require("kind");
    }

    /**
     * The Prometheus Operator's CRD files (PodMonitor, ServiceMonitor) that build.sh fetches next to the
     * binaries' folder, for checking monitors against the real schema; an error that says how to get them.
     */
    public Path prometheusOperatorCrd(String plural) {
        Path file = dir.resolveSibling("prometheus-operator-crds").resolve("monitoring.coreos.com_" + plural + ".yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("No Prometheus Operator CRD " + file + ". Fetch it with"
                    + " e2e/controlplane/build.sh (Go module proxy, about a second; cached in ~/.cache/udsproxy).");
        }
        return file;
    }

    /** The executable {@code name} in the folder, or an error that says how to build it. */
    public Path require(String name) {
        Path binary = dir.resolve(name);
        if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
            throw new IllegalStateException(missingMessage(name));
        }
        return binary;
    }

    String missingMessage(String name) {
        return "No executable '" + name + "' in " + dir + " (Kubernetes " + KUBERNETES_VERSION
                + " control-plane binaries). Build them once with e2e/controlplane/build.sh (needs Go and the Go module"
                + " proxy; about 10 minutes cold on 2 cores, cached in ~/.cache/udsproxy), or point -D" + PROPERTY
                + " or " + ENV + " at a folder that has them.";
    }
}
