package dev.udsproxy.kind;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The kind cluster of the tier, driven through the kind binary with its podman provider: the node
 * image from e2e/kind/node/build.sh (built, or found current, here), the config e2e/kind/cluster.yaml.
 */
final class KindCluster {

    private final Shell shell;

    KindCluster(Shell shell) {
        this.shell = shell;
    }

    /** Builds the node image when its recipe changed and returns its name (a no-op when current). */
    String nodeImage() {
        long started = System.nanoTime();
        shell.ok("e2e/kind/node/build.sh", Duration.ofMinutes(40));
        String image = shell.ok("e2e/kind/node/build.sh --print-image").trim();
        System.out.printf("kind e2e: node image %s ready in %.1f s%n", image, seconds(started));
        return image;
    }

    /** A cluster from nothing; a leftover of the same name (a killed run) is deleted first. */
    void create(String image) {
        delete();
        long started = System.nanoTime();
        shell.ok("kind create cluster --name " + ClusterEnvironment.CLUSTER + " --image " + image
                + " --config e2e/kind/cluster.yaml --wait 0s", Duration.ofMinutes(5));
        System.out.printf("kind e2e: cluster created in %.1f s%n", seconds(started));
    }

    /** Waits until the node is Ready and kube-system's Pods (CoreDNS, kube-proxy) run. */
    void awaitReady() {
        long started = System.nanoTime();
        shell.ok("kubectl wait --for=condition=Ready node --all --timeout=180s", Duration.ofMinutes(4));
        shell.ok("kubectl -n kube-system rollout status deploy/coredns --timeout=180s", Duration.ofMinutes(4));
        shell.ok("kubectl -n kube-system rollout status ds/kube-proxy --timeout=180s", Duration.ofMinutes(4));
        System.out.printf("kind e2e: node and kube-system ready in %.1f s%n", seconds(started));
    }

    void delete() {
        shell.run("kind delete cluster --name " + ClusterEnvironment.CLUSTER, Duration.ofMinutes(3));
    }

    /** {@code kind export logs} into the folder (the node's journal, containerd, kubelet, every Pod). */
    void exportLogs(Path dir) {
        Shell.Result r = shell.run("kind export logs '" + dir + "' --name " + ClusterEnvironment.CLUSTER,
                Duration.ofMinutes(3));
        System.out.println("kind e2e: logs exported to " + dir + " (exit " + r.exitCode() + ")");
    }

    private static double seconds(long started) {
        return (System.nanoTime() - started) / 1e9;
    }
}
