package dev.udsproxy.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kubeconfig the control plane writes works for the command-line tools other tests run (the
 * chart tests run helm), and the version stamped at build time is what they read.
 */
@ControlPlaneTest
class ClusterToolsIT {

    @Test
    void kubectlReadsTheStampedServerVersionThroughTheKubeconfig(ControlPlane plane) throws Exception {
        String out = run(plane.binaries().kubectl(), "--kubeconfig", plane.kubeconfig().toString(),
                "version", "-o", "json");

        assertThat(out).contains("\"gitVersion\": \"v1.34.4\"").contains("\"minor\": \"34\"");
    }

    @Test
    void helmTalksToTheControlPlane(ControlPlane plane, io.fabric8.kubernetes.client.KubernetesClient client)
            throws Exception {
        String namespace = TestNamespaces.create(client, "helm", Map.of());

        assertThat(run(plane.binaries().helm(), "version", "--short")).startsWith("v3.");
        // An empty release list from a fresh namespace proves authentication and discovery worked.
        assertThat(run(plane.binaries().helm(), "--kubeconfig", plane.kubeconfig().toString(), "list",
                "--namespace", namespace, "--output", "json")).isEqualTo("[]");
    }

    private static String run(Path binary, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        assertThat(process.exitValue()).as("%s exit status, output:%n%s", command, out).isZero();
        return out;
    }
}
