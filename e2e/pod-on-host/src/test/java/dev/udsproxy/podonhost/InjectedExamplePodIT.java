package dev.udsproxy.podonhost;

import static dev.udsproxy.podonhost.PodChecks.awaitProbe;
import static dev.udsproxy.podonhost.PodChecks.httpGet;
import static dev.udsproxy.podonhost.PodChecks.unixLine;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example Deployments, injected by the operator's code (native sidecar), run on the host:
 * the kubelet's start order and probes, traffic in over TCP, egress out over a socket, and the
 * stop order, all with the env, args, ports, paths and probes exactly as injected.
 */
class InjectedExamplePodIT {
    static final Path REPO = Path.of(System.getProperty("udsproxy.repo", "../..")).toAbsolutePath().normalize();
    static final String SIDECAR = "udsproxy";
    static final String APP = "app";

    @TempDir
    Path root;
    private HostPod pod;
    private EchoServer echo;

    @AfterEach
    void stopEverything() throws Exception {
        if (pod != null) {
            pod.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    @ParameterizedTest(name = "examples/{0}")
    @ValueSource(strings = {"java", "node"})
    void theInjectedPodServesTheExampleAndItsEgress(String language) throws Exception {
        if (language.equals("node")) {
            PodChecks.skipIf(!PodChecks.onPath("node"),
                    "node is not on PATH: the Node.js example cannot run on the host");
        }
        // Given the example's Pod, opted in by its manifest, plus an egress route to a TCP service.
        echo = new EchoServer("echo-store");
        ExampleApp example = ExampleApp.load(REPO, language);
        example.pod().getMetadata().getAnnotations().put("udsproxy.dev/egress", "echo-store=127.0.0.1:" + echo.port());
        // And the app's own readiness probe on its named port, which moves to the sidecar.
        example.pod().getSpec().getContainers().get(0).setReadinessProbe(new ProbeBuilder()
                .withNewHttpGet().withPath("/ready").withPort(new IntOrString("http")).endHttpGet().build());
        Pod injected = OperatorInjection.inject(example.pod(), OperatorInjection.builtInProfile(), true);
        assertThat(injected.getSpec().getInitContainers()).extracting(Container::getName).containsExactly(SIDECAR);
        pod = HostPod.create(injected, root, example.configMapFiles(), HostImages.of(REPO, root.resolve("image")));

        // When the kubelet starts the native sidecar, it waits for its startup probe before the app.
        ContainerProcess sidecar = pod.start(SIDECAR);
        Container spec = pod.container(SIDECAR);
        Duration startupBudget = Duration.ofSeconds((long) spec.getStartupProbe().getPeriodSeconds()
                * spec.getStartupProbe().getFailureThreshold());
        awaitProbe(pod, SIDECAR, Container::getStartupProbe, startupBudget);

        // Then the Pod is not Ready while its app is not listening.
        KubeletProbe.Result beforeApp = pod.probe(SIDECAR, Container::getReadinessProbe);
        assertThat(beforeApp.status()).as("readiness before the app starts: %s\n%s", beforeApp, pod.logs())
                .isEqualTo(503);
        assertThat(pod.probe(SIDECAR, Container::getLivenessProbe).success()).as(pod.logs()).isTrue();

        // When the app starts, the Pod becomes Ready.
        ContainerProcess app = pod.start(APP);
        awaitProbe(pod, SIDECAR, Container::getReadinessProbe, Duration.ofSeconds(60));

        // Traffic to the app's named port, which the sidecar took over, reaches the app over its socket.
        assertThat(httpGet(pod.hostPort("http"), "/hello")).as(pod.logs())
                .isEqualTo("hello from " + example.name() + " over unix, path /hello\n");

        // The app's own probe still works: the kubelet reaches the app through the sidecar.
        KubeletProbe.Result appProbe = pod.probe(APP, Container::getReadinessProbe);
        assertThat(appProbe.success()).as("the app's readiness probe %s\n%s", appProbe, pod.logs()).isTrue();
        assertThat(appProbe.detail()).isEqualTo("hello from " + example.name() + " over unix, path /ready\n");

        // The app's egress env names a socket that reaches the TCP service.
        String egress = pod.env(APP).get("UDSPROXY_EGRESS_ECHO_STORE");
        assertThat(egress).as("UDSPROXY_EGRESS_ECHO_STORE in the app's env").isNotNull().startsWith(root.toString());
        assertThat(unixLine(Path.of(egress), "ping")).as(pod.logs()).isEqualTo("echo-store got ping");

        // The sidecar stays within the memory limit the operator gives it (light traffic: a floor, not a load test).
        Quantity limit = spec.getResources().getLimits().get("memory");
        long peak = sidecar.peakRssBytes();
        System.err.printf("%s: sidecar peak RSS %d MiB, limit %s%n", example.name(), peak >> 20, limit);
        assertThat(peak).as("peak RSS of the sidecar against its limit %s", limit)
                .isLessThan(Quantity.getAmountInBytes(limit).longValueExact());

        // When the Pod stops, the kubelet ends the app first: the Pod is no longer Ready.
        assertThat(app.terminate(30)).as("app exit code after SIGTERM\n%s", pod.logs()).isNotNull();
        awaitProbe(pod, SIDECAR, Container::getReadinessProbe, Duration.ofSeconds(10), false);

        // Then the sidecar gets SIGTERM and exits 0 within the Pod's grace period (default 30 s).
        Integer exit = sidecar.terminate(injected.getSpec().getTerminationGracePeriodSeconds() == null ? 30
                : injected.getSpec().getTerminationGracePeriodSeconds());
        assertThat(exit).as("sidecar exit code after SIGTERM\n%s", pod.logs()).isZero();
    }
}
