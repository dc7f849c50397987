package dev.udsproxy.podonhost;

import static dev.udsproxy.podonhost.InjectedExamplePodIT.APP;
import static dev.udsproxy.podonhost.InjectedExamplePodIT.REPO;
import static dev.udsproxy.podonhost.InjectedExamplePodIT.SIDECAR;
import static dev.udsproxy.podonhost.PodChecks.awaitProbe;
import static dev.udsproxy.podonhost.PodChecks.httpGet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The injected securityContext honoured on the host, and the security story of design.md with it,
 * for a profile that fixes the sidecar's user (SidecarProfile runAsUser; by default the sidecar runs as
 * the app's user instead, StackExamplesPodIT): the app and the sidecar run as different users (the
 * example's runAsUser, the profile's), with no new privileges and read-only root file systems; they
 * share only the Pod's fsGroup, and still reach each other's 0660 sockets in both directions; a user
 * outside that group cannot.
 */
class SecurityContextIT {
    /** Neither the app's user, nor the sidecar's, nor in the fsGroup: any other process of the node or Pod. */
    private static final String STRANGER = "4242";
    private static final long SIDECAR_USER = 65532;

    @TempDir
    Path root;
    private HostPod pod;
    private HttpUpstream store;

    @AfterEach
    void stopEverything() throws Exception {
        if (pod != null) {
            pod.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void appAndSidecarShareTheirSocketsThroughTheFsGroupOnly() throws Exception {
        PodUsers.unavailable().ifPresent(why -> PodChecks.skipIf(true, why));
        store = new HttpUpstream("store");
        ExampleApp example = ExampleApp.load(REPO, "java");
        example.pod().getMetadata().getAnnotations().put("udsproxy.dev/egress", "store=127.0.0.1:" + store.port());
        SidecarProfileSpec separateUser = new SidecarProfileSpec();
        separateUser.runAsUser = SIDECAR_USER;
        Pod injected = OperatorInjection.inject(example.pod(), OperatorInjection.profile("separate-user", separateUser), true);
        long appUser = injected.getSpec().getSecurityContext().getRunAsUser();
        long sidecarUser = injected.getSpec().getInitContainers().get(0).getSecurityContext().getRunAsUser();
        long fsGroup = injected.getSpec().getSecurityContext().getFsGroup();
        assertThat(sidecarUser).as("the sidecar runs as the profile's user").isEqualTo(SIDECAR_USER)
                .isNotEqualTo(appUser);
        pod = HostPod.create(injected, root, example.configMapFiles(), HostImages.of(REPO, root.resolve("image")),
                true);

        ContainerProcess sidecarProcess = pod.start(SIDECAR);
        Container sidecar = pod.container(SIDECAR);
        awaitProbe(pod, SIDECAR, Container::getStartupProbe, Duration.ofSeconds(
                (long) sidecar.getStartupProbe().getPeriodSeconds() * sidecar.getStartupProbe().getFailureThreshold()));
        pod.start(APP);

        // The sidecar's user may connect to the app's socket: readiness and traffic pass.
        awaitProbe(pod, SIDECAR, Container::getReadinessProbe, Duration.ofSeconds(60));
        assertThat(httpGet(pod.hostPort("http"), "/as-users"))
                .isEqualTo("hello from example-java over unix, path /as-users\n");

        // Both sockets: 0660, owned by their creator, group-owned by the fsGroup.
        Path appSocket = Path.of(pod.env(APP).get("UDSPROXY_SOCKET"));
        Path egressSocket = Path.of(pod.env(APP).get("UDSPROXY_EGRESS_STORE"));
        assertSocket(appSocket, appUser, fsGroup);
        assertSocket(egressSocket, sidecarUser, fsGroup);

        // The app's user may connect to the sidecar's egress socket: the app's own GET /egress/store/... goes
        // through it, from the app's process (its user, its read-only root), to the service.
        assertThat(httpGet(pod.hostPort("http"), "/egress/store/as-app-user")).as(pod.logs())
                .isEqualTo("HTTP/1.1 200 OK\nstore got /as-app-user\n");

        // The root file system really is read-only for the sidecar: only its volume is writable.
        HostPod.Exec write = pod.exec(SIDECAR, List.of("sh", "-c", "touch /tmp/udsproxy-write-check"), 30);
        assertThat(write.exit()).as(write.output()).isNotZero();
        assertThat(write.output()).contains("Read-only file system");
        // Netty unpacks its native libraries to a temp folder at start: under a read-only root it cannot, so the
        // image ships them unpacked (lib/, java.library.path in jvm.options). Without that: NIO, said in the log.
        // A process on this host has no seccomp filter, so auto takes io_uring where the kernel has it, else epoll.
        String listening = sidecarProcess.log().lines().filter(l -> l.contains("listening on")).findFirst()
                .orElse("(no listening line)");
        assertThat(listening).as(sidecarProcess.log()).containsAnyOf("(io_uring)", "(epoll)")
                .doesNotContain("epoll unavailable");

        // Anyone else may connect to neither.
        Path client = clientProgram(Files.createDirectories(root.resolve("stranger")));
        for (Path socket : List.of(appSocket, egressSocket)) {
            assertThat(asStranger(client, socket)).contains("cannot connect").contains("Permission denied");
        }
    }

    private static void assertSocket(Path socket, long owner, long group) throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)))
                .as("mode of %s", socket).isEqualTo("rw-rw----");
        Map<String, Object> ids = Files.readAttributes(socket, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
        assertThat(ids).as("owner and group of %s", socket).containsEntry("uid", (int) owner)
                .containsEntry("gid", (int) group);
    }

    /** The client's source, in a folder every user may read (below the test's folder, opened to others). */
    private Path clientProgram(Path folder) throws Exception {
        Path client = folder.resolve("UnixLineClient.java");
        try (var in = getClass().getResourceAsStream("/UnixLineClient.java")) {
            Files.copy(in, client, StandardCopyOption.REPLACE_EXISTING);
        }
        return client;
    }

    private String asStranger(Path client, Path socket) throws Exception {
        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid=" + STRANGER, "--regid=" + STRANGER,
                "--clear-groups", "--", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                client.toString(), socket.toString(), "knock"));
        Path log = root.resolve("logs").resolve("stranger-" + socket.getFileName() + ".log");
        ContainerProcess stranger = ContainerProcess.start("stranger", argv, pod.env(APP), log);
        int exit = stranger.waitFor(60, TimeUnit.SECONDS);
        assertThat(exit).as(stranger.log()).isEqualTo(1);
        return stranger.log();
    }
}
