package dev.udsproxy.podonhost;

import static dev.udsproxy.podonhost.InjectedExamplePodIT.APP;
import static dev.udsproxy.podonhost.InjectedExamplePodIT.REPO;
import static dev.udsproxy.podonhost.InjectedExamplePodIT.SIDECAR;
import static dev.udsproxy.podonhost.PodChecks.awaitProbe;
import static dev.udsproxy.podonhost.PodChecks.httpGet;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Classic mode (no native sidecars): the sidecar is the first container, and the kubelet starts
 * the app only after the sidecar's postStart hook returns. The hook must return 0 and only once
 * the sidecar listens; a Job's command ends the sidecar with POST /quitquitquit.
 */
class ClassicSidecarPodIT {
    @TempDir
    Path root;
    private HostPod pod;

    @AfterEach
    void stopEverything() {
        if (pod != null) {
            pod.close();
        }
    }

    @Test
    void thePostStartHookHoldsTheAppBackUntilTheSidecarListens() throws Exception {
        ExampleApp example = ExampleApp.load(REPO, "java");
        Pod injected = OperatorInjection.inject(example.pod(), OperatorInjection.builtInProfile(), false);
        assertThat(injected.getSpec().getContainers()).extracting(Container::getName).containsExactly(SIDECAR, APP);
        HostImages images = HostImages.of(REPO, root.resolve("image"));
        pod = HostPod.create(injected, root, example.configMapFiles(), images);

        // The kubelet runs postStart right after the container starts and holds the next container back.
        ContainerProcess sidecar = pod.start(SIDECAR);
        List<String> hook = pod.container(SIDECAR).getLifecycle().getPostStart().getExec().getCommand();
        // Run as the image has it: a program the image lacks (a shell in the local base) fails the test.
        HostPod.Exec hookRun = pod.exec(SIDECAR, hook, 60);
        assertThat(hookRun.exit()).as("postStart %s\n%s", hook, pod.logs()).isZero();

        // Then the sidecar listens already: no waiting on the startup probe.
        assertThat(pod.probe(SIDECAR, Container::getStartupProbe).success()).as(pod.logs()).isTrue();

        pod.start(APP);
        awaitProbe(pod, SIDECAR, Container::getReadinessProbe, Duration.ofSeconds(60));
        assertThat(httpGet(pod.hostPort("http"), "/job")).isEqualTo("hello from example-java over unix, path /job\n");

        // A Job's last step: POST /quitquitquit on the admin port ends the sidecar with 0.
        HttpResponse<String> quit = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + pod.hostPort("udsproxy-admin") + "/quitquitquit"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(quit.statusCode()).isEqualTo(200);
        assertThat(sidecar.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as(pod.logs()).isZero();
    }
}
