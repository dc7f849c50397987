package dev.udsproxy.podonhost;

import static dev.udsproxy.podonhost.InjectedExamplePodIT.APP;
import static dev.udsproxy.podonhost.InjectedExamplePodIT.REPO;
import static dev.udsproxy.podonhost.InjectedExamplePodIT.SIDECAR;
import static dev.udsproxy.podonhost.PodChecks.awaitProbe;
import static dev.udsproxy.podonhost.PodChecks.httpGet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The examples that are stock apps of a Java framework (examples/spring-boot: embedded Tomcat; examples/quarkus:
 * Vert.x), built from Maven Central by their own projects, run behind the real sidecar as the operator injects
 * them. As the Pod's users (root: setpriv), the app creates its socket with the framework's defaults (no chmod,
 * the process umask), so the sidecar must reach a socket the app's own user owns: the permission trap of issue 11.
 * And the Pod as its Deployment has it, without the sidecar, serves its port over TCP by itself.
 */
class FrameworkExamplesPodIT {
    @TempDir
    Path root;
    private HostPod pod;

    @AfterEach
    void stopEverything() {
        if (pod != null) {
            pod.close();
        }
    }

    @ParameterizedTest(name = "examples/{0}")
    @ValueSource(strings = {"spring-boot", "quarkus"})
    void theInjectedPodServesTheFrameworkThroughItsSocket(String name) throws Exception {
        ExampleBuild.build(REPO, name);
        Optional<String> noPodUsers = PodUsers.unavailable();
        noPodUsers.ifPresent(why -> System.err.println("NOTE: " + why + ": examples/" + name + " runs as the test's"
                + " user, so the socket's permissions are not put to the test"));
        ExampleApp example = ExampleApp.load(REPO, name);
        Pod injected = OperatorInjection.inject(example.pod(), OperatorInjection.builtInProfile(), true);
        pod = HostPod.create(injected, root, example.configMapFiles(), HostImages.of(REPO, root.resolve("image")),
                noPodUsers.isEmpty());

        ContainerProcess sidecar = pod.start(SIDECAR);
        Container spec = pod.container(SIDECAR);
        awaitProbe(pod, SIDECAR, Container::getStartupProbe, Duration.ofSeconds(
                (long) spec.getStartupProbe().getPeriodSeconds() * spec.getStartupProbe().getFailureThreshold()));
        ContainerProcess app = pod.start(APP);
        // A JVM framework's start (a few seconds here, more on a busy 2-core machine), then the sidecar's check.
        AppSocketReadiness.awaitReady(pod, SIDECAR, APP, Duration.ofSeconds(90));

        // Cluster traffic on the port named http, which the sidecar took over, reaches the framework over its socket.
        assertThat(httpGet(pod.hostPort("http"), "/hello?from=cluster")).as(pod.logs())
                .isEqualTo("hello from " + example.name() + " over unix, path /hello?from=cluster\n");

        // The socket is the framework's own: created by the app's user, with the mode the framework gave it.
        Path socket = Path.of(pod.env(APP).get("UDSPROXY_SOCKET"));
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(socket));
        System.err.printf("%s: socket %s mode %s owner uid %s%n", example.name(), socket, mode,
                Files.getAttribute(socket, "unix:uid"));
        if (noPodUsers.isEmpty()) {
            Long appUser = pod.container(APP).getSecurityContext().getRunAsUser();
            assertThat(Files.getAttribute(socket, "unix:uid")).as("owner of %s", socket)
                    .isEqualTo(appUser.intValue());
        }

        // The kubelet stops the app first (the Pod turns unready), then the sidecar, which drains and exits 0.
        assertThat(app.terminate(30)).as("app exit code after SIGTERM\n%s", pod.logs()).isNotNull();
        awaitProbe(pod, SIDECAR, Container::getReadinessProbe, Duration.ofSeconds(10), false);
        assertThat(sidecar.terminate(30)).as("sidecar exit code after SIGTERM\n%s", pod.logs()).isZero();
    }

    @ParameterizedTest(name = "examples/{0}")
    @ValueSource(strings = {"spring-boot", "quarkus"})
    void aPodCreatedWithoutTheSidecarServesItsPortOverTcp(String name) throws Exception {
        PodUsers.unavailable().ifPresent(why -> PodChecks.skipIf(true, why + " (and a network namespace of the Pod)"));
        PodChecks.skipIf(!PodChecks.onPath("curl"), "curl is not on PATH: no client in the Pod's network namespace");
        ExampleBuild.build(REPO, name);
        // Admitted while the webhook was down (failurePolicy Ignore): the Pod exactly as its Deployment has it.
        ExampleApp example = ExampleApp.load(REPO, name);
        Container app = example.pod().getSpec().getContainers().get(0);
        assertThat(app.getEnv()).as("env of the uninjected app").noneMatch(e -> e.getName().equals("UDSPROXY_SOCKET"));
        pod = HostPod.create(example.pod(), root, example.configMapFiles(), HostImages.of(REPO, root.resolve("image")),
                true);
        ContainerProcess process = pod.startInOwnNetwork(APP);
        int port = app.getPorts().get(0).getContainerPort();
        List<String> curl = List.of("nsenter", "--net=/proc/" + process.pid() + "/ns/net", "curl", "-sS",
                "--max-time", "2", "http://127.0.0.1:" + port + "/no-sidecar");
        String[] answer = new String[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                .failFast("the app exited\n" + process.log(), () -> !process.isAlive())
                .until(() -> (answer[0] = run(curl)) != null);
        assertThat(answer[0]).as(pod.logs()).isEqualTo("hello from " + example.name() + " over tcp, path /no-sidecar\n");
        assertThat(process.log()).contains(example.name() + ": UDSPROXY_SOCKET is not set (no udsproxy sidecar), so"
                + " TCP 0.0.0.0:" + port);
    }

    /** The output of a command that exited 0, or null. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    }
}
