package dev.udsproxy.podonhost;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * Waits until the sidecar's readiness probe passes once the app started, the way {@link PodChecks#awaitProbe} does,
 * but stops at the first "Permission denied": a stock app's socket (the framework's default mode, owned by the app's
 * user) that the sidecar may not connect to will not change its mode later, so the wait would only hide the cause.
 */
final class AppSocketReadiness {
    private AppSocketReadiness() {
    }

    static void awaitReady(HostPod pod, String sidecar, String app, Duration budget) throws InterruptedException {
        AtomicReference<KubeletProbe.Result> last = new AtomicReference<>();
        try {
            await().atMost(budget).pollInterval(Duration.ofMillis(200))
                    .failFast("container " + sidecar + " exited", () -> pod.exited(sidecar))
                    .failFast("container " + app + " exited", () -> pod.exited(app))
                    .failFast("the sidecar may not connect to the app's socket", () -> last.get() != null
                            && last.get().detail().contains("Permission denied"))
                    .until(() -> {
                        KubeletProbe.Result result = pod.probe(sidecar, Container::getReadinessProbe);
                        last.set(result);
                        return result.success();
                    });
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError("the sidecar's readiness did not pass (budget " + budget + "): " + last.get()
                    + permissions(pod, app, sidecar) + "\n" + pod.logs(), e);
        }
    }

    /** The socket's owner and mode against the two containers' users: what the permission trap is made of. */
    private static String permissions(HostPod pod, String app, String sidecar) {
        Path socket = Path.of(pod.env(app).get("UDSPROXY_SOCKET"));
        try {
            return String.format("%n  the app's socket %s: owner %s:%s, mode %s; app runAsUser %s, sidecar runAsUser %s"
                    + " (a socket made with the framework's defaults is writable by its owner only: the sidecar must run"
                    + " with the app's uid)", socket, Files.getAttribute(socket, "unix:uid"),
                    Files.getAttribute(socket, "unix:gid"),
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)), runAsUser(pod.container(app)),
                    runAsUser(pod.container(sidecar)));
        } catch (IOException | RuntimeException e) {
            return "\n  (no socket to look at: " + e + ")";
        }
    }

    private static Long runAsUser(Container container) {
        return container.getSecurityContext() == null ? null : container.getSecurityContext().getRunAsUser();
    }
}
