package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.controlplane.ControlPlane;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The control plane's kubectl with its admin kubeconfig, for what users do with kubectl (apply -k). */
final class Kubectl {

    private Kubectl() {
    }

    /** {@code kubectl apply --server-side -n NAMESPACE -k examples/EXAMPLE}; returns its output, fails on error. */
    static String applyExample(ControlPlane plane, String namespace, String example) throws Exception {
        List<String> command = new ArrayList<>(List.of(plane.binaries().kubectl().toString(),
                "--kubeconfig", plane.kubeconfig().toString(), "apply", "--server-side", "-n", namespace,
                "-k", Repo.examples().resolve(example).toString()));
        Process apply = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(apply.waitFor(60, TimeUnit.SECONDS)).as("kubectl apply finished").isTrue();
        String output = new String(apply.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(apply.exitValue()).as("kubectl apply -k examples/%s:%n%s", example, output).isZero();
        return output;
    }
}
