package dev.udsproxy.podonhost;

import static dev.udsproxy.podonhost.InjectedExamplePodIT.APP;
import static dev.udsproxy.podonhost.InjectedExamplePodIT.REPO;
import static dev.udsproxy.podonhost.InjectedExamplePodIT.SIDECAR;
import static dev.udsproxy.podonhost.PodChecks.awaitProbe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import dev.udsproxy.operator.injection.Mutation;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stack examples (Express, Go net/http, FastAPI on uvicorn, nginx), each its real framework installed from its
 * registry, in the Pod their Deployment makes, injected by the operator's code, run as the Pod's users: the app
 * creates its socket with its framework's defaults under the runtime's umask 022 (no chmod, no umask of its own),
 * and the sidecar, which the operator runs as the app's user, reaches it. A sidecar of another user does not (the
 * trap the operator closes), and the Pod without a sidecar serves its port over TCP.
 */
class StackExamplesPodIT {
    private static final int REQUESTS = 200;

    @TempDir
    Path root;
    private HostPod pod;
    /** The app's image folder on the host; see {@link #prepare}. */
    private Path appImage;

    @AfterEach
    void stopEverything() throws Exception {
        if (pod != null) {
            pod.close();
        }
        if (appImage != null) {
            run("rm", "-rf", appImage.toString());
        }
    }

    @ParameterizedTest(name = "examples/{0}: socket {1}")
    @CsvSource({"express, rwxr-xr-x", "go, rwxr-xr-x", "fastapi, rw-rw-rw-", "nginx, rw-rw-rw-"})
    void theStockAppIsReachedThroughTheSidecarRunningAsItsUser(String name, String frameworkMode) throws Exception {
        Path app = prepare(name);
        ExampleApp example = ExampleApp.load(REPO, name);
        Mutation mutation = OperatorInjection.mutation(example.pod(), OperatorInjection.builtInProfile(), true);
        Pod injected = mutation.pod();
        Container sidecar = injected.getSpec().getInitContainers().get(0);
        assertThat(mutation.warnings()).as("the app's user is in its manifest: nothing to warn about").isEmpty();
        assertThat(sidecar.getSecurityContext().getRunAsUser()).as("the sidecar runs as the app's user").isEqualTo(1000L);
        assertThat(sidecar.getSecurityContext().getRunAsGroup()).isEqualTo(1000L);
        assertThat(sidecar.getSecurityContext().getRunAsNonRoot()).isTrue();
        runHostBuild(injected, name, app);
        pod = HostPod.create(injected, root, example.configMapFiles(), HostImages.of(REPO, root.resolve("image")), true);

        startSidecarThenApp();
        awaitProbe(pod, SIDECAR, Container::getReadinessProbe, Duration.ofSeconds(60));

        // The socket as the framework made it: no group write for Express and Go (umask 022), 0666 where the
        // framework chmods it itself (uvicorn, nginx). Owned by the app's user, who the sidecar is too.
        Path socket = Path.of(pod.env(APP).get("UDSPROXY_SOCKET"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)))
                .as("mode of %s", socket).isEqualTo(frameworkMode);
        assertThat(Files.getAttribute(socket, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(1000);

        // Real HTTP traffic through the sidecar's TCP port (the port named http, taken over from the app).
        long started = System.nanoTime();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        for (int i = 0; i < REQUESTS; i++) {
            HttpResponse<String> answer = get(client, pod.hostPort("http"), "/items/" + i + "?q=" + i);
            assertThat(answer.statusCode()).as("%s\n%s", answer.body(), pod.logs()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("hello from example-" + name + " over unix, path /items/" + i
                    + "?q=" + i + "\n");
        }
        System.err.printf("examples/%s: %d requests through the sidecar in %d ms, socket %s%n", name, REQUESTS,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), frameworkMode);
    }

    /** The control: the same stock app behind a sidecar of another user gets EACCES, and the Pod is never Ready. */
    @ParameterizedTest(name = "examples/{0}")
    @ValueSource(strings = {"express", "go"})
    void aSidecarOfAnotherUserCannotConnectAndTheAdmissionSaysSo(String name) throws Exception {
        Path app = prepare(name);
        ExampleApp example = ExampleApp.load(REPO, name);
        SidecarProfileSpec spec = new SidecarProfileSpec();
        spec.runAsUser = 65532L;
        Mutation mutation = OperatorInjection.mutation(example.pod(), OperatorInjection.profile("separate-user", spec), true);
        assertThat(mutation.warnings()).singleElement().asString()
                .contains("SidecarProfile separate-user runs the sidecar as uid 65532 and container app runs as uid 1000")
                .contains("mode 0660");
        Pod injected = mutation.pod();
        runHostBuild(injected, name, app);
        pod = HostPod.create(injected, root, example.configMapFiles(), HostImages.of(REPO, root.resolve("image")), true);

        startSidecarThenApp();
        Path socket = Path.of(pod.env(APP).get("UDSPROXY_SOCKET"));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .failFast("the app exited\n" + pod.logs(), () -> pod.exited(APP))
                .until(() -> Files.exists(socket, LinkOption.NOFOLLOW_LINKS));

        // The app listens, yet for the sidecar's user its socket refuses: readiness stays 503.
        for (int i = 0; i < 10; i++) {
            KubeletProbe.Result ready = pod.probe(SIDECAR, Container::getReadinessProbe);
            assertThat(ready.status()).as("readiness with the app listening on a 0755 socket of another user: %s\n%s",
                    ready, pod.logs()).isEqualTo(503);
            // connect(2) needs write permission on the socket: EACCES, which the sidecar names.
            assertThat(ready.detail()).contains("does not accept connections").contains("Permission denied");
            Thread.sleep(300);
        }
    }

    @ParameterizedTest(name = "examples/{0}")
    @ValueSource(strings = {"express", "go", "fastapi", "nginx"})
    void aPodCreatedWithoutTheSidecarServesItsPortOverTcp(String name) throws Exception {
        PodChecks.skipIf(!PodChecks.onPath("curl"), "curl is not on PATH: no client in the Pod's network namespace");
        Path app = prepare(name);
        // Admitted while the webhook was down: the Pod exactly as its Deployment has it.
        ExampleApp example = ExampleApp.load(REPO, name);
        Pod uninjected = example.pod();
        int port = uninjected.getSpec().getContainers().get(0).getPorts().get(0).getContainerPort();
        runHostBuild(uninjected, name, app);
        pod = HostPod.create(uninjected, root, example.configMapFiles(), HostImages.of(REPO, root.resolve("image")),
                true);

        // Its own network namespace, as a Pod has: the declared port is the Pod's, nothing else on the host sees it.
        ContainerProcess process = pod.startInOwnNetwork(APP);
        List<String> curl = List.of("nsenter", "--net=/proc/" + process.pid() + "/ns/net", "curl", "-sS",
                "--max-time", "2", "http://127.0.0.1:" + port + "/no-sidecar");
        String[] answer = new String[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .failFast("the app exited\n" + process.log(), () -> !process.isAlive())
                .until(() -> (answer[0] = output(curl)) != null);
        assertThat(answer[0]).as(pod.logs()).isEqualTo("hello from example-" + name + " over tcp, path /no-sidecar\n");
        assertThat(process.log()).contains("example-" + name + ": UDSPROXY_SOCKET is not set (no udsproxy sidecar),"
                + " so TCP 0.0.0.0:" + port);
    }

    /** Skips without root or the stack's tools; else the stack's build (cached), as the image's folder. */
    private Path prepare(String name) throws Exception {
        PodUsers.unavailable().ifPresent(why -> PodChecks.skipIf(true, why));
        StackBuild build = StackBuild.of(name);
        build.unavailable().ifPresent(why -> PodChecks.skipIf(true, why));
        StackBuild.Built built = build.registryStep(REPO);
        if (built.installMillis() > 0) {
            System.err.printf("examples/%s: installed from its registry in %d ms (cold), cached in %s%n", name,
                    built.installMillis(), built.folder());
        }
        // Not below /tmp, where the test's own folder is: the command names this folder, and a Pod that mounts
        // /tmp (nginx's prefix) would have it moved into that volume like any path below a mount.
        appImage = Files.createTempDirectory(Path.of("/var/tmp"), "udsproxy-example-" + name + "-");
        Path folder = build.imageFolder(REPO, built, appImage);
        run("chmod", "-R", "o+rX", folder.toString());
        return folder;
    }

    /**
     * The app's image on the host: its folder /opt/example-NAME is the host build, its other programs (node, sh,
     * nginx) the host's; the process starts under umask 022, the container runtime's default, whatever this JVM's.
     */
    private static void runHostBuild(Pod pod, String name, Path folder) {
        Container app = pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(APP)).findFirst()
                .orElseThrow();
        String inImage = "/opt/example-" + name;
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", "umask 022 && exec \"$@\"", "sh"));
        for (String arg : app.getCommand()) {
            argv.add(arg.equals(inImage) || arg.startsWith(inImage + "/") ? folder + arg.substring(inImage.length())
                    : arg);
        }
        app.setCommand(argv);
        // Not the name of an image HostImages maps from images/ (there is none for these examples yet).
        app.setImage("host-build/example-" + name);
    }

    private void startSidecarThenApp() throws Exception {
        pod.start(SIDECAR);
        Container sidecar = pod.container(SIDECAR);
        awaitProbe(pod, SIDECAR, Container::getStartupProbe, Duration.ofSeconds(
                (long) sidecar.getStartupProbe().getPeriodSeconds() * sidecar.getStartupProbe().getFailureThreshold()));
        pod.start(APP);
    }

    private static HttpResponse<String> get(HttpClient client, int port, String path)
            throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The output of a command that exited 0, or null. */
    private static String output(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }
}
