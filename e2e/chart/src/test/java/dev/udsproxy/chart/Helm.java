package dev.udsproxy.chart;

import dev.udsproxy.controlplane.ControlPlaneBinaries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real helm binary built by e2e/controlplane/build.sh. Its cache, config and data folders
 * live under target/, so a test never reads or writes the user's helm setup.
 */
final class Helm {

    record Result(int exitCode, String stdout, String stderr, List<String> command) {

        Result requireSuccess() {
            if (exitCode != 0) {
                throw new AssertionError("helm failed (exit " + exitCode + "): " + String.join(" ", command)
                        + "\n--- stderr ---\n" + stderr + "\n--- stdout ---\n" + stdout);
            }
            return this;
        }
    }

    private final Path binary;
    private final Path home;

    private Helm(Path binary, Path home) {
        this.binary = binary;
        this.home = home;
    }

    /** The helm of the control-plane cache; fails, with how to build it, when it is missing. */
    static Helm locate() {
        return new Helm(ControlPlaneBinaries.locate().helm(), Repo.scratch("helm-home"));
    }

    Result run(String... args) {
        return run(List.of(args), Map.of());
    }

    Result run(List<String> args, Map<String, String> env) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(args);
        try {
            Path out = Files.createTempFile(home, "helm", ".out");
            Path err = Files.createTempFile(home, "helm", ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
            builder.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
            builder.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
            builder.environment().remove("KUBECONFIG");
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("helm did not finish within 180 s: " + String.join(" ", command));
            }
            Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), command);
            Files.delete(out);
            Files.delete(err);
            return result;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    /**
     * The Kubernetes version offline commands (template, lint) assume: the control plane's. Without it helm
     * assumes v1.20.0, which the charts' kubeVersion range refuses.
     */
    static final String KUBE_VERSION = ControlPlaneBinaries.KUBERNETES_VERSION;

    /** {@code helm template} of the chart with the given extra arguments (e.g. --set, -f). */
    Result template(String release, String namespace, String... extra) {
        return template(Repo.chart(), release, namespace, extra);
    }

    /** {@code helm template} of {@code chart}. */
    Result template(Path chart, String release, String namespace, String... extra) {
        List<String> args = new ArrayList<>(List.of("template", release, chart.toString(),
                "--namespace", namespace, "--kube-version", KUBE_VERSION));
        args.addAll(List.of(extra));
        return run(args, Map.of());
    }
}
