package dev.udsproxy.kind;

import dev.udsproxy.controlplane.ControlPlaneBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where things are for the kind tier, and the environment every command of it runs with: the kind,
 * kubectl and helm built by e2e/controlplane/build.sh first on PATH, a kubeconfig and helm folders
 * under target/ (the user's ~/.kube and helm setup are never read or written), kind's podman provider,
 * and podman settings from e2e/containers.conf (so /etc/containers stays as it was).
 */
final class ClusterEnvironment {

    /** The cluster name the README's commands use ({@code --name udsproxy}). */
    static final String CLUSTER = "udsproxy";

    private ClusterEnvironment() {
    }

    static Path repo() {
        String property = System.getProperty("udsproxy.repo");
        Path root = (property != null ? Path.of(property) : Path.of("../..")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("e2e/kind/node/build.sh"))) {
            throw new IllegalStateException("repository root not found at " + root + " (set -Dudsproxy.repo)");
        }
        return root;
    }

    /** The project version (Maven passes it as udsproxy-project-version), the tag images/build.sh gives every image. */
    static String version() {
        String version = System.getProperty("udsproxy-project-version");
        if (version == null || version.isBlank()) {
            throw new IllegalStateException("the system property udsproxy-project-version is not set: run through Maven");
        }
        return version;
    }

    /** {@code e2e/kind/target/kind}: kubeconfig, helm folders, exported logs. */
    static Path scratch() {
        Path dir = repo().resolve("e2e/kind/target/kind");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    static Path kubeconfig() {
        return scratch().resolve("kubeconfig");
    }

    static Map<String, String> variables() {
        Path bin = ControlPlaneBinaries.locate().dir();
        Path helm = scratch().resolve("helm");
        return Map.of(
                "PATH", bin + ":" + System.getenv("PATH"),
                "KUBECONFIG", kubeconfig().toString(),
                "KIND_EXPERIMENTAL_PROVIDER", "podman",
                "CONTAINERS_CONF", repo().resolve("e2e/containers.conf").toString(),
                "HELM_CACHE_HOME", helm.resolve("cache").toString(),
                "HELM_CONFIG_HOME", helm.resolve("config").toString(),
                "HELM_DATA_HOME", helm.resolve("data").toString());
    }

    static Shell shell() {
        return new Shell(repo(), variables());
    }
}
