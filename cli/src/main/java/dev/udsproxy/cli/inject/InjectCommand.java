package dev.udsproxy.cli.inject;

import dev.udsproxy.operator.OperatorConfig;
import dev.udsproxy.operator.customresource.SidecarProfile;
import dev.udsproxy.operator.injection.ClusterFeatures;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code udsproxy inject}: reads the files, prints the injected manifests; warnings and errors go to stderr. */
@Command(name = "inject", mixinStandardHelpOptions = true,
        description = {"Prints the manifests with their Pod templates injected as the udsproxy webhook would inject"
                + " their Pods (the same code), for GitOps and review. Objects without a Pod template and workloads"
                + " that do not opt in are printed as they were read. A second run over the output changes nothing.",
                "Exit codes: 0 done, 1 bad input (named on stderr), 2 bad usage."})
public final class InjectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
            description = "Manifest file (multi-document YAML or a List); '-' reads standard input. Repeatable.")
    List<String> files;

    @Option(names = "--profile", paramLabel = "FILE",
            description = "A SidecarProfile YAML (udsproxy.dev/v1alpha1) that exists in the cluster; repeatable."
                    + " Without one named 'default', the built-in defaults apply, which the chart's default profile"
                    + " holds.")
    List<Path> profiles = new ArrayList<>();

    @Option(names = {"-n", "--namespace"}, defaultValue = "default", paramLabel = "NAMESPACE",
            description = "Namespace of objects that name none, as kubectl apply -n. Default: ${DEFAULT-VALUE}.")
    String namespace;

    @Option(names = "--kubernetes-version", defaultValue = "1.30", paramLabel = "MAJOR.MINOR",
            description = "Kubernetes version of the target cluster: native sidecars from 1.29, the preStop sleep"
                    + " action from 1.30. Default: ${DEFAULT-VALUE}, the chart's minimum.")
    String kubernetesVersion;

    @Option(names = "--operator-namespace", defaultValue = OperatorConfig.DEFAULT_NAMESPACE, paramLabel = "NAMESPACE",
            description = "Namespace of the operator, whose Pods are never injected. Default: ${DEFAULT-VALUE}.")
    String operatorNamespace;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            var injector = new ManifestInjector(operatorNamespace, readProfiles(), features(), namespace);
            var output = injector.inject(readSources());
            output.warnings().forEach(w -> err.println("udsproxy inject: warning: " + w));
            PrintWriter out = spec.commandLine().getOut();
            out.print(output.text());
            out.flush();
            return 0;
        } catch (ManifestInjector.InvalidManifestException | InputException e) {
            err.println("udsproxy inject: " + e.getMessage());
            return 1;
        }
    }

    private List<ManifestInjector.Source> readSources() {
        List<ManifestInjector.Source> sources = new ArrayList<>();
        for (String file : files) {
            sources.add(new ManifestInjector.Source(file, "-".equals(file) ? stdin() : read(Path.of(file))));
        }
        return sources;
    }

    private List<SidecarProfile> readProfiles() {
        var serialization = new KubernetesSerialization();
        List<SidecarProfile> read = new ArrayList<>();
        for (Path file : profiles) {
            SidecarProfile profile;
            try {
                profile = serialization.unmarshal(read(file), SidecarProfile.class);
            } catch (RuntimeException e) {
                throw new InputException("--profile " + file + ": not a readable SidecarProfile: " + e.getMessage());
            }
            if (profile == null || !"SidecarProfile".equals(profile.getKind())
                    || !HasMetadata.getApiVersion(SidecarProfile.class).equals(profile.getApiVersion())
                    || profile.getMetadata() == null || profile.getMetadata().getName() == null) {
                throw new InputException("--profile " + file + ": allowed is one SidecarProfile"
                        + " (apiVersion udsproxy.dev/v1alpha1, kind SidecarProfile) with metadata.name");
            }
            read.add(profile);
        }
        return read;
    }

    private ClusterFeatures features() {
        String[] parts = kubernetesVersion.replaceFirst("^v", "").split("\\.");
        if (parts.length < 2 || !parts[0].matches("[0-9]+") || !parts[1].matches("[0-9]+")) {
            throw new InputException("--kubernetes-version \"" + kubernetesVersion
                    + "\": allowed is MAJOR.MINOR, such as 1.30");
        }
        return ClusterFeatures.of(parts[0], parts[1]);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": no such file");
        } catch (IOException e) {
            throw new InputException(file + ": cannot read: " + e.getMessage());
        }
    }

    private static String stdin() {
        try {
            InputStream in = System.in;
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputException("-: cannot read standard input: " + e.getMessage());
        }
    }

    private static final class InputException extends RuntimeException {
        InputException(String message) {
            super(message);
        }
    }
}
