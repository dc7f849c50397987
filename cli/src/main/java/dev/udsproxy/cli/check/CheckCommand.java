package dev.udsproxy.cli.check;

import dev.udsproxy.operator.OperatorConfig;
import dev.udsproxy.operator.injection.InjectionPolicy;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code udsproxy check}: one line per finding, exit 1 when any fails. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Checks, against the current kubeconfig, what injection needs: the CRD, the operator, the"
                + " webhook configuration and its caBundle against the serving certificate, the webhook Service's"
                + " endpoints; with --namespace its labels, with --pod its sidecar. Each line is ok, warn or fail,"
                + " with what to do.",
                "Exit codes: 0 nothing failed, 1 something failed, 2 bad usage."})
public final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "kubeconfig file; default: $KUBECONFIG or ~/.kube/config, as kubectl.")
    Path kubeconfig;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
            description = "Namespace whose injection labels to check; with --pod, the Pod's (default: the"
                    + " kubeconfig's namespace).")
    String namespace;

    @Option(names = "--pod", paramLabel = "POD", description = "Pod whose sidecar to check.")
    String pod;

    @Option(names = "--operator-namespace", defaultValue = OperatorConfig.DEFAULT_NAMESPACE, paramLabel = "NAMESPACE",
            description = "Namespace of the operator's release. Default: ${DEFAULT-VALUE}.")
    String operatorNamespace;

    @Option(names = "--operator-deployment", defaultValue = "udsproxy-operator", paramLabel = "NAME",
            description = "The operator's Deployment (the chart names it after the release). Default: ${DEFAULT-VALUE}.")
    String operatorDeployment;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Finding> findings = new ArrayList<>();
        java.util.function.Consumer<Finding> report = f -> {
            findings.add(f);
            out.println(f.render());
            out.flush();
        };
        try (KubernetesClient client = client()) {
            try {
                report.accept(Finding.ok("API server " + client.getMasterUrl() + " (Kubernetes "
                        + client.getKubernetesVersion().getGitVersion() + ")"));
            } catch (KubernetesClientException e) {
                report.accept(Finding.fail("cannot reach the API server " + client.getMasterUrl() + ": "
                        + causes(e), "check the kubeconfig (kubectl cluster-info)"));
                return 1;
            }
            var names = new InstallationChecks(client, operatorNamespace, operatorDeployment, report).run();
            String target = namespace != null ? namespace
                    : Optional.ofNullable(client.getNamespace()).orElse("default");
            if (namespace != null || pod != null) {
                NamespaceVerdict.of(target, client.namespaces().withName(target).get(),
                        names == null ? java.util.Set.of(operatorNamespace) : names.excludedNamespaces())
                        .forEach(report);
            }
            if (pod != null) {
                checkPod(client, target, names, report);
            }
        } catch (KubernetesClientException e) {
            report.accept(Finding.fail("a request to the API server failed: " + causes(e),
                    "check that your user may read these objects (kubectl auth can-i)"));
        }
        return findings.stream().anyMatch(f -> f.level() == Finding.Level.FAIL) ? 1 : 0;
    }

    private void checkPod(KubernetesClient client, String target, InstallationChecks.OperatorNames names,
            java.util.function.Consumer<Finding> report) {
        Pod found = client.pods().inNamespace(target).withName(pod).get();
        if (found == null) {
            report.accept(Finding.fail("Pod " + target + "/" + pod + " not found", "kubectl get pods -n " + target));
            return;
        }
        var excluded = names == null ? List.of(operatorNamespace) : List.copyOf(names.excludedNamespaces());
        var labels = Optional.ofNullable(client.namespaces().withName(target).get())
                .map(n -> n.getMetadata().getLabels()).orElse(Map.of());
        var decision = new InjectionPolicy(operatorNamespace, excluded).decide(found, target,
                labels == null ? Map.of() : labels);
        PodVerdict.of(found, decision, SidecarReadyz.fetch(client, found)).forEach(report);
    }

    /** fabric8 wraps the reason ("An error has occurred."): the chain of messages says what it was. */
    private static String causes(Throwable e) {
        StringBuilder why = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            why.append(": ").append(c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage());
        }
        return why.toString();
    }

    private KubernetesClient client() {
        if (kubeconfig != null) {
            if (!Files.isReadable(kubeconfig)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--kubeconfig " + kubeconfig + ": no readable file");
            }
            // fabric8 reads the file as kubectl does (relative paths of certificates, exec plugins, contexts).
            System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, kubeconfig.toAbsolutePath().toString());
        }
        Config config = Config.autoConfigure(null);
        ClientKeyAlgorithm.fix(config);
        config.setRequestTimeout(10_000);
        config.setConnectionTimeout(5_000);
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
