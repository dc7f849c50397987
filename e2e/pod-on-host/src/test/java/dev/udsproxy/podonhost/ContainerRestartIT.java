package dev.udsproxy.podonhost;

import static dev.udsproxy.podonhost.InjectedExamplePodIT.APP;
import static dev.udsproxy.podonhost.InjectedExamplePodIT.REPO;
import static dev.udsproxy.podonhost.InjectedExamplePodIT.SIDECAR;
import static dev.udsproxy.podonhost.PodChecks.awaitProbe;
import static dev.udsproxy.podonhost.PodChecks.httpGet;
import static dev.udsproxy.podonhost.PodChecks.unixLine;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet restarts a crashed container in place, in the same Pod and the same socket folder,
 * where the crashed run's socket files are still lying. Either side comes back on its own and the
 * Pod serves again, in both directions.
 */
class ContainerRestartIT {
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

    @Test
    void aCrashedSidecarOrAppIsRestartedOverItsOwnStaleSocket() throws Exception {
        echo = new EchoServer("echo-store");
        ExampleApp example = ExampleApp.load(REPO, "java");
        example.pod().getMetadata().getAnnotations().put("udsproxy.dev/egress", "echo-store=127.0.0.1:" + echo.port());
        Pod injected = OperatorInjection.inject(example.pod(), OperatorInjection.builtInProfile(), true);
        pod = HostPod.create(injected, root, example.configMapFiles(), HostImages.of(REPO, root.resolve("image")));
        Path egress = Path.of(pod.env(APP).get("UDSPROXY_EGRESS_ECHO_STORE"));
        Path appSocket = Path.of(pod.env(APP).get("UDSPROXY_SOCKET"));

        ContainerProcess sidecar = startSidecar();
        ContainerProcess app = pod.start(APP);
        awaitProbe(pod, SIDECAR, Container::getReadinessProbe, Duration.ofSeconds(60));

        // The sidecar crashes: its egress socket file stays. The restarted sidecar must bind over it.
        sidecar.kill();
        assertThat(egress).as("the crashed sidecar's egress socket file").exists();
        startSidecar();
        awaitProbe(pod, SIDECAR, Container::getReadinessProbe, Duration.ofSeconds(30));
        assertThat(httpGet(pod.hostPort("http"), "/after-sidecar-restart")).as(pod.logs())
                .isEqualTo("hello from example-java over unix, path /after-sidecar-restart\n");
        assertThat(unixLine(egress, "again")).as(pod.logs()).isEqualTo("echo-store got again");

        // The app crashes: its socket file stays but nobody answers, so the Pod is not Ready.
        app.kill();
        assertThat(Files.exists(appSocket)).as("the crashed app's socket file").isTrue();
        awaitProbe(pod, SIDECAR, Container::getReadinessProbe, Duration.ofSeconds(10), false);
        pod.start(APP);
        awaitProbe(pod, SIDECAR, Container::getReadinessProbe, Duration.ofSeconds(60));
        assertThat(httpGet(pod.hostPort("http"), "/after-app-restart")).as(pod.logs())
                .isEqualTo("hello from example-java over unix, path /after-app-restart\n");
    }

    private ContainerProcess startSidecar() throws Exception {
        ContainerProcess sidecar = pod.start(SIDECAR);
        Container spec = pod.container(SIDECAR);
        awaitProbe(pod, SIDECAR, Container::getStartupProbe, Duration.ofSeconds(
                (long) spec.getStartupProbe().getPeriodSeconds() * spec.getStartupProbe().getFailureThreshold()));
        return sidecar;
    }
}
