package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.controlplane.ControlPlane;
import dev.udsproxy.controlplane.ControlPlaneTest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The chart's {@code helm test} check (files/test-injection.sh, the script the test Pod runs) against
 * the real API server, with the real operator serving the chart's webhook configuration. There is no
 * kubelet, so the operator runs as a local process with the chart's env settings and the chart's
 * ServiceAccount token (its RBAC is all it has), and the webhook entries are pointed at it by URL.
 */
@ControlPlaneTest(controllerManager = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartHelmTestIT {

    static final String NAMESPACE = "udsproxy-ht";
    static final String RELEASE = "ht";
    static final String TARGET = "helm-test-target";
    static final String FULLNAME = "ht-udsproxy-operator";

    final Helm helm = Helm.locate();
    final ControlPlane plane;
    final KubernetesClient client;
    final Path dir = Repo.scratch("helm-test");
    Rendered release;

    ChartHelmTestIT(ControlPlane plane, KubernetesClient client) {
        this.plane = plane;
        this.client = client;
    }

    @BeforeAll
    void install() {
        for (String ns : List.of(NAMESPACE, TARGET)) {
            // The target enforces Pod Security restricted: injected Pods must pass it.
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
                    .addToLabels(ns.equals(TARGET) ? Map.of("pod-security.kubernetes.io/enforce", "restricted")
                            : Map.of()).endMetadata().build())
                    .serverSideApply();
            Awaitility.await("ServiceAccount " + ns + "/default").atMost(Duration.ofSeconds(60))
                    .until(() -> client.serviceAccounts().inNamespace(ns).withName("default").get() != null);
        }
        CrdChart.install(helm, plane);
        helm.run(List.of("install", RELEASE, Repo.chart().toString(), "--namespace", NAMESPACE,
                "--set", "tests.namespace=" + TARGET, "--kubeconfig", plane.kubeconfig().toString()), Map.of())
                .requireSuccess();
        release = Rendered.parse(helm.run(List.of("get", "manifest", RELEASE, "--namespace", NAMESPACE,
                "--kubeconfig", plane.kubeconfig().toString()), Map.of()).requireSuccess().stdout());
        // The test Pod's own ServiceAccount and Role (helm creates them at `helm test`; no kubelet here).
        Rendered hooks = Rendered.parse(helm.template(RELEASE, NAMESPACE, "--set", "tests.namespace=" + TARGET,
                "--show-only", "templates/test-injection.yaml").requireSuccess().stdout());
        for (HasMetadata object : hooks.all()) {
            if (!(object instanceof Pod)) {
                client.resource(object).serverSideApply();
            }
        }
    }

    @AfterAll
    void uninstall() {
        helm.run(List.of("uninstall", RELEASE, "--namespace", NAMESPACE, "--kubeconfig",
                plane.kubeconfig().toString()), Map.of());
        for (String ns : List.of(NAMESPACE, TARGET)) {
            client.namespaces().withName(ns).delete();
        }
    }

    @Test
    void helmTestPassesWhileTheOperatorServesAndNamesWhatIsMissingWhenItDoesNot() throws Exception {
        int webhookPort = OperatorProcess.freePort();
        pointWebhookAt("https://127.0.0.1:" + webhookPort + "/mutate-pods");

        try (OperatorProcess operator = OperatorProcess.start(plane, token(FULLNAME), chartSettings(), webhookPort,
                dir)) {
            operator.awaitReady(Duration.ofSeconds(90));
            var container = release.get(Deployment.class, FULLNAME).getSpec().getTemplate().getSpec()
                    .getContainers().get(0);
            for (var probe : List.of(container.getStartupProbe(), container.getLivenessProbe(),
                    container.getReadinessProbe())) {
                assertThat(operator.httpStatus(probe.getHttpGet().getPath()))
                        .as("the chart's probe %s on the real operator", probe.getHttpGet().getPath()).isEqualTo(200);
            }
            Awaitility.await("the operator sets the caBundle of the chart's webhook configuration")
                    .atMost(Duration.ofSeconds(60)).until(() -> webhookConfiguration().getWebhooks().stream()
                            .allMatch(w -> w.getClientConfig().getCaBundle() != null));

            Result passed = runHelmTestScript();
            assertThat(passed.exitCode()).as("helm test script output:%n%s%noperator log:%n%s", passed.output(),
                    operator.logTail()).isZero();
            assertThat(passed.output()).contains("OK: an opted-in Pod in namespace " + TARGET
                    + " is admitted with the udsproxy sidecar");

            // The examples as users apply them: their Pods come out injected and pass Pod Security restricted.
            for (String example : List.of("java", "node")) {
                Kubectl.applyExample(plane, TARGET, example);
                Awaitility.await("an injected Pod of example-" + example).atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .failFast("the ReplicaSet could not create the Pod", () -> failedCreate().size() > 0)
                        .untilAsserted(() -> assertThat(client.pods().inNamespace(TARGET)
                                .withLabel("app.kubernetes.io/name", "example-" + example).list().getItems())
                                .isNotEmpty().allSatisfy(ChartHelmTestIT::assertInjected));
            }
        }

        // Operator gone: the chart's admission policy refuses the opted-in Pod, and the check shows why.
        Result failed = runHelmTestScript();
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.output()).contains("FAIL: the API server refused the opted-in Pod in namespace " + TARGET)
                .contains("opted in to udsproxy but not injected");
    }

    record Result(int exitCode, String output) {
    }

    static void assertInjected(Pod pod) {
        var spec = pod.getSpec();
        assertThat(java.util.stream.Stream.concat(spec.getInitContainers().stream(), spec.getContainers().stream()))
                .extracting(c -> c.getName()).contains("udsproxy", "app");
        assertThat(spec.getContainers().stream().filter(c -> c.getName().equals("app")).findFirst().orElseThrow()
                .getEnv()).anySatisfy(env -> assertThat(env.getName()).isEqualTo("UDSPROXY_SOCKET"));
        assertThat(spec.getVolumes()).anySatisfy(v -> assertThat(v.getName()).isEqualTo("udsproxy-sockets"));
    }

    List<String> failedCreate() {
        return client.v1().events().inNamespace(TARGET).list().getItems().stream()
                .filter(e -> "FailedCreate".equals(e.getReason())).map(e -> e.getMessage()).toList();
    }

    Result runHelmTestScript() throws Exception {
        // The test Pod's image has sh and curl; here the host must have them.
        assertThat(ExamplesServeIT.onPath("curl"))
                .as("curl is needed to run the chart's helm test script on this host (apt-get install -y curl)").isTrue();
        Path token = dir.resolve("test-token");
        Files.writeString(token, token(FULLNAME + "-test-injection"));
        Path ca = dir.resolve("ca.crt");
        Files.writeString(ca, plane.certificateAuthority().certificatePem());
        ProcessBuilder builder = new ProcessBuilder("sh",
                Repo.chart().resolve("files/test-injection.sh").toString()).redirectErrorStream(true);
        builder.environment().putAll(Map.of("KUBE_API", plane.apiServerUrl(), "KUBE_TOKEN_FILE", token.toString(),
                "KUBE_CA_FILE", ca.toString(), "TEST_NAMESPACE", TARGET));
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8));
    }

    /** The env of the chart's operator container; the Pod's own namespace comes from the downward API. */
    Map<String, String> chartSettings() {
        return OperatorProcess.settingsOf(release.get(Deployment.class, FULLNAME), NAMESPACE);
    }

    String token(String serviceAccount) {
        return client.serviceAccounts().inNamespace(NAMESPACE).withName(serviceAccount)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
    }

    MutatingWebhookConfiguration webhookConfiguration() {
        return client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(FULLNAME + "-webhook")
                .get();
    }

    /** No kubelet, no Pod IPs: the chart's webhook entries, selectors untouched, get a URL instead of the Service. */
    void pointWebhookAt(String url) {
        client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(FULLNAME + "-webhook")
                .edit(config -> {
                    config.getWebhooks().forEach(w -> {
                        w.getClientConfig().setService(null);
                        w.getClientConfig().setUrl(url);
                    });
                    return config;
                });
    }
}
