package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.controlplane.ControlPlane;
import dev.udsproxy.controlplane.ControlPlaneTest;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code udsproxy check} (the packaged CLI, through its launcher cli/bin/udsproxy) against the real API server with
 * the chart installed by the real helm: broken as a fresh install is before the operator runs (no caBundle, no
 * endpoint, no ready replica), then good, then broken again (a caBundle of another CA, the endpoint not ready).
 * No kubelet here: the ReplicaSet controller's operator Pod is marked Ready by the test (the Deployment, ReplicaSet
 * and EndpointSlice controllers do the rest), and the operator itself runs as a local process that the webhook
 * entries call by URL, as in {@link ChartHelmTestIT}.
 */
@ControlPlaneTest(controllerManager = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliCheckIT {
    static final String NAMESPACE = "udsproxy-cc";
    static final String RELEASE = "cc";
    static final String FULLNAME = "cc-udsproxy-operator";
    static final String TARGET = "cli-check-target";
    /** A Node object for the operator Pod: the EndpointSlice controller skips Pods on Nodes that do not exist. */
    static final String NODE = "cli-check-node";

    final Helm helm = Helm.locate();
    final ControlPlane plane;
    final KubernetesClient client;
    final Path dir = Repo.scratch("cli-check");
    Rendered release;

    CliCheckIT(ControlPlane plane, KubernetesClient client) {
        this.plane = plane;
        this.client = client;
    }

    @BeforeAll
    void install() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
                .serverSideApply();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(TARGET)
                .addToLabels("udsproxy.dev/injection", "enabled").endMetadata().build()).serverSideApply();
        Awaitility.await("ServiceAccount " + NAMESPACE + "/default").atMost(Duration.ofSeconds(60))
                .until(() -> client.serviceAccounts().inNamespace(NAMESPACE).withName("default").get() != null);
        CrdChart.install(helm, plane);
        helm.run(List.of("install", RELEASE, Repo.chart().toString(), "--namespace", NAMESPACE,
                "--set", "replicaCount=1", "--set", "podDisruptionBudget.enabled=false",
                "--kubeconfig", plane.kubeconfig().toString()), Map.of()).requireSuccess();
        release = Rendered.parse(helm.run(List.of("get", "manifest", RELEASE, "--namespace", NAMESPACE,
                "--kubeconfig", plane.kubeconfig().toString()), Map.of()).requireSuccess().stdout());
    }

    @AfterAll
    void uninstall() {
        helm.run(List.of("uninstall", RELEASE, "--namespace", NAMESPACE, "--kubeconfig",
                plane.kubeconfig().toString()), Map.of());
        client.namespaces().withName(NAMESPACE).delete();
        client.namespaces().withName(TARGET).delete();
        client.nodes().withName(NODE).delete();
    }

    @Test
    void failsOnWhatIsBrokenAndPassesOnceTheOperatorServes() throws Exception {
        Check fresh = check();
        assertThat(fresh.exitCode()).as(fresh.output()).isEqualTo(1);
        assertThat(fresh.output())
                .contains("ok    CRD sidecarprofiles.udsproxy.dev installed, v1alpha1 served")
                .contains("fail  operator Deployment " + NAMESPACE + "/" + FULLNAME + " has no ready replica")
                .contains("fail  MutatingWebhookConfiguration " + FULLNAME + "-webhook: webhook labelled.pods.udsproxy.dev"
                        + " has no caBundle")
                .contains("fail  Service " + NAMESPACE + "/" + FULLNAME + "-webhook has no ready endpoint")
                .contains("ok    namespace " + TARGET + " opts in (udsproxy.dev/injection=enabled)")
                .contains("      fix: ");

        Pod pod = Awaitility.await("the ReplicaSet controller's operator Pod").atMost(Duration.ofSeconds(60))
                .until(this::operatorPod, p -> p != null);
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE).endMetadata().build())
                .serverSideApply();
        client.bindings().inNamespace(NAMESPACE).resource(new BindingBuilder().withNewMetadata()
                .withName(pod.getMetadata().getName()).endMetadata().withNewTarget().withKind("Node").withName(NODE)
                .endTarget().build()).create();
        markReady(pod, true);
        int webhookPort = OperatorProcess.freePort();
        pointWebhookAt("https://127.0.0.1:" + webhookPort + "/mutate-pods");
        try (OperatorProcess operator = OperatorProcess.start(plane, token(), OperatorProcess.settingsOf(
                release.get(Deployment.class, FULLNAME), NAMESPACE), webhookPort, dir)) {
            operator.awaitReady(Duration.ofSeconds(90));
            Awaitility.await("caBundle set, the Deployment ready, its endpoint ready").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> caBundle() != null && readyReplicas() == 1 && readyEndpoints() == 1);
            Check good = check();
            assertThat(good.exitCode()).as(good.output()).isZero();
            assertThat(good.output()).doesNotContain("fail ")
                    .contains("ok    operator Deployment " + NAMESPACE + "/" + FULLNAME + " ready (1/1)")
                    .contains("ok    MutatingWebhookConfiguration " + FULLNAME + "-webhook present, 2 webhooks with a caBundle")
                    .contains("ok    the caBundle verifies the serving certificate in Secret " + FULLNAME
                            + "-webhook-tls for " + FULLNAME + "-webhook." + NAMESPACE + ".svc")
                    .contains("ok    Service " + NAMESPACE + "/" + FULLNAME + "-webhook has 1 ready endpoint")
                    .contains("ok    TLS to the webhook at 127.0.0.1:" + webhookPort
                            + ": the served certificate is verified by the caBundle");

            // A Pod the real webhook injects (its namespace opts in): checked, then its sidecar failing.
            Awaitility.await("ServiceAccount " + TARGET + "/default").atMost(Duration.ofSeconds(60))
                    .until(() -> client.serviceAccounts().inNamespace(TARGET).withName("default").get() != null);
            client.pods().inNamespace(TARGET).resource(new PodBuilder().withNewMetadata().withName("app").endMetadata()
                    .withNewSpec().addNewContainer().withName("app").withImage("example/app:1").addNewPort()
                    .withContainerPort(8080).endPort().endContainer().endSpec().build()).create();
            Check injected = check("--pod", "app");
            assertThat(injected.exitCode()).as(injected.output()).isZero();
            assertThat(injected.output()).contains("ok    Pod " + TARGET + "/app has the udsproxy sidecar (profile default,"
                    + " native, port 8080 -> /var/run/udsproxy/app.sock)")
                    .contains("warn  Pod " + TARGET + "/app: the sidecar has not started yet");
            client.pods().inNamespace(TARGET).withName("app").editStatus(p -> {
                p.getStatus().setPhase("Running");
                p.getStatus().setInitContainerStatuses(List.of(new ContainerStatusBuilder().withName("udsproxy")
                        .withImage("udsproxy/sidecar:0.1.0").withImageID("").withRestartCount(3).withReady(false)
                        .withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState().build()));
                return p;
            });
            Check crashing = check("--pod", "app");
            assertThat(crashing.exitCode()).as(crashing.output()).isEqualTo(1);
            assertThat(crashing.output()).contains("fail  Pod " + TARGET + "/app: the sidecar is not ready: waiting"
                    + " (CrashLoopBackOff)").contains("fix: the app must listen on $UDSPROXY_SOCKET");
        }

        // The operator gone (it would put the caBundle back): a caBundle of another CA, the endpoint not ready.
        String otherCa = Base64.getEncoder().encodeToString(
                plane.certificateAuthority().certificatePem().getBytes(StandardCharsets.UTF_8));
        client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(FULLNAME + "-webhook").edit(c -> {
            c.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(otherCa));
            return c;
        });
        markReady(operatorPod(), false);
        Awaitility.await("the endpoint not ready").atMost(Duration.ofSeconds(30))
                .until(() -> readyReplicas() == 0 && readyEndpoints() == 0);
        Check broken = check();
        assertThat(broken.exitCode()).as(broken.output()).isEqualTo(1);
        assertThat(broken.output())
                .contains("fail  Secret " + FULLNAME + "-webhook-tls: the caBundle does not verify the serving certificate")
                .contains("fail  Service " + NAMESPACE + "/" + FULLNAME + "-webhook has no ready endpoint")
                .contains("warn  could not reach the webhook at 127.0.0.1:" + webhookPort + " from here");
    }

    /** The shaded jar holds all the operator code injection needs (its filter keeps only some packages). */
    @Test
    void theLauncherInjectsWithThePackagedJar() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Repo.root().resolve("cli/bin/udsproxy").toString(), "inject", "-f",
                Repo.examples().resolve("node/deployment.yaml").toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Path err = dir.resolve("inject.err");
        Process process = builder.redirectError(err.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(java.nio.file.Files.readString(err)).isZero();
        assertThat(out).contains("udsproxy.dev/status: ").contains("name: udsproxy-sockets");
        assertThat(java.nio.file.Files.readString(err)).as("nothing on stderr (no SLF4J warnings)").isEmpty();
    }

    record Check(int exitCode, String output) {
    }

    /** The packaged CLI through its launcher, with this JVM's Java. */
    Check check(String... more) throws Exception {
        Path launcher = Repo.root().resolve("cli/bin/udsproxy");
        assertThat(Repo.root().resolve("cli/target/udsproxy-cli.jar"))
                .as("the packaged CLI: ./mvnw -pl cli -am package -DskipTests").isRegularFile();
        ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "check", "--kubeconfig",
                plane.kubeconfig().toString(), "--operator-namespace", NAMESPACE, "--operator-deployment", FULLNAME,
                "--namespace", TARGET).redirectErrorStream(true);
        builder.command().addAll(List.of(more));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("KUBECONFIG");
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("udsproxy check finishes").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println("udsproxy check (exit " + process.exitValue() + "):\n" + output);
        return new Check(process.exitValue(), output);
    }

    Pod operatorPod() {
        return client.pods().inNamespace(NAMESPACE).withLabel("app.kubernetes.io/instance", RELEASE).list().getItems()
                .stream().findFirst().orElse(null);
    }

    /** What a kubelet would report for a started (or failing) operator container. */
    void markReady(Pod pod, boolean ready) {
        String now = Instant.now().toString();
        String status = ready ? "True" : "False";
        client.pods().inNamespace(NAMESPACE).withName(pod.getMetadata().getName()).editStatus(p -> {
            p.getStatus().setPhase("Running");
            p.getStatus().setPodIP("10.244.0.7");
            p.getStatus().setPodIPs(List.of(new PodIP("10.244.0.7")));
            p.getStatus().setConditions(List.of(
                    new PodConditionBuilder().withType("Ready").withStatus(status).withLastTransitionTime(now).build(),
                    new PodConditionBuilder().withType("ContainersReady").withStatus(status)
                            .withLastTransitionTime(now).build()));
            return p;
        });
    }

    Integer readyReplicas() {
        var status = client.apps().deployments().inNamespace(NAMESPACE).withName(FULLNAME).get().getStatus();
        return status == null || status.getReadyReplicas() == null ? 0 : status.getReadyReplicas();
    }

    long readyEndpoints() {
        return client.discovery().v1().endpointSlices().inNamespace(NAMESPACE)
                .withLabel("kubernetes.io/service-name", FULLNAME + "-webhook").list().getItems().stream()
                .flatMap(s -> s.getEndpoints() == null ? java.util.stream.Stream.empty() : s.getEndpoints().stream())
                .filter(e -> e.getConditions() != null && Boolean.TRUE.equals(e.getConditions().getReady())).count();
    }

    String caBundle() {
        return client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(FULLNAME + "-webhook").get()
                .getWebhooks().get(0).getClientConfig().getCaBundle();
    }

    String token() {
        return client.serviceAccounts().inNamespace(NAMESPACE).withName(FULLNAME)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
    }

    /** No kubelet, no Pod network: the webhook entries get the local operator's URL instead of the Service. */
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
