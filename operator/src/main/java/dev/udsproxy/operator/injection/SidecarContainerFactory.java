package dev.udsproxy.operator.injection;

import dev.udsproxy.contract.AdminPaths;
import dev.udsproxy.contract.Defaults;
import dev.udsproxy.contract.EgressRoute;
import dev.udsproxy.contract.Endpoint;
import dev.udsproxy.contract.Setting;
import dev.udsproxy.contract.SocketPaths;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.util.ArrayList;
import java.util.List;

/** Renders the {@code udsproxy} container from the profile and the Pod's request. */
final class SidecarContainerFactory {
    static final String ADMIN_PORT_NAME = Annotations.ADMIN_PORT_NAME;

    private SidecarContainerFactory() {
    }

    static Container build(ProfileSettings profile, InjectionRequest request, ContainerPort inbound,
            String proxyProtocol, boolean nativeSidecar, SidecarUser user) {
        ContainerBuilder c = new ContainerBuilder()
                .withName(Annotations.SIDECAR_CONTAINER)
                .withImage(profile.image())
                .withImagePullPolicy(profile.imagePullPolicy())
                .withEnv(env(profile, request, inbound.getContainerPort(), proxyProtocol))
                .withPorts(inbound, new ContainerPort(profile.adminPort(), null, null, ADMIN_PORT_NAME, "TCP"))
                .withResources(profile.resources())
                .withSecurityContext(restricted(user, profile.seccompLocalhostProfile()))
                .addNewVolumeMount()
                    .withName(Annotations.SOCKET_VOLUME)
                    .withMountPath(Defaults.SOCKET_DIR)
                .endVolumeMount()
                .addNewVolumeMount()
                    .withName(Annotations.NO_TOKEN_VOLUME)
                    .withMountPath(Annotations.SERVICE_ACCOUNT_TOKEN_DIR)
                    .withReadOnly(true)
                .endVolumeMount()
                // Startup waits for the sidecar only: a native sidecar must be started before the
                // kubelet starts the app, so waiting on the app's socket here would deadlock.
                .withStartupProbe(probe(AdminPaths.HEALTHZ, 1, 60))
                .withLivenessProbe(probe(AdminPaths.HEALTHZ, 10, 3))
                // Ready only when the app's socket accepts: the Pod is never Ready before its app.
                .withReadinessProbe(probe(AdminPaths.READYZ, 2, 2));
        if (nativeSidecar) {
            c.withRestartPolicy("Always");
        } else {
            // The kubelet starts the next container only after postStart returns, so the app
            // starts second; the hook returns once the sidecar listens.
            c.withNewLifecycle().withNewPostStart().withNewExec()
                    .withCommand(profile.classicPostStartCommand())
                    .endExec().endPostStart().endLifecycle();
        }
        return c.build();
    }

    /** The sidecar's settings by their contract env names; see {@link Setting} for what each means. */
    private static List<EnvVar> env(ProfileSettings profile, InjectionRequest request, int port, String proxyProtocol) {
        List<EnvVar> env = new ArrayList<>();
        add(env, Setting.LISTEN, new Endpoint(Defaults.ALL_ADDRESSES, port).toString());
        add(env, Setting.UPSTREAM, SocketPaths.UNIX_PREFIX + request.socketPath());
        add(env, Setting.ADMIN, new Endpoint(Defaults.ALL_ADDRESSES, profile.adminPort()).toString());
        add(env, Setting.SOCKET_DIR, Defaults.SOCKET_DIR);
        add(env, Setting.PROXY_PROTOCOL, proxyProtocol);
        // Written even when they equal the sidecar's defaults, so that the Pod spec says what runs.
        add(env, Setting.ADMIN_SHUTDOWN, profile.adminShutdown().wireName());
        add(env, Setting.LOG_FORMAT, profile.logFormat().wireName());
        if (!request.egress().isEmpty()) {
            add(env, Setting.EGRESS, EgressRoute.specList(request.egress()));
        }
        // Unset timeouts, transport and backlog leave the sidecar's own defaults in charge.
        if (profile.transport() != null) {
            add(env, Setting.TRANSPORT, profile.transport().wireName());
        }
        if (profile.backlog() != null) {
            add(env, Setting.BACKLOG, String.valueOf(profile.backlog()));
        }
        addIfSet(env, Setting.CONNECT_TIMEOUT, profile.connectTimeout());
        addIfSet(env, Setting.IDLE_TIMEOUT, profile.idleTimeout());
        addIfSet(env, Setting.SHUTDOWN_GRACE, profile.shutdownGrace());
        addIfSet(env, Setting.DRAIN_TIMEOUT, profile.drainTimeout());
        return env;
    }

    private static void add(List<EnvVar> env, Setting setting, String value) {
        env.add(new EnvVar(setting.env(), value, null));
    }

    private static void addIfSet(List<EnvVar> env, Setting setting, String value) {
        if (value != null) {
            add(env, setting, value);
        }
    }

    private static Probe probe(String path, int periodSeconds, int failureThreshold) {
        return new ProbeBuilder()
                .withNewHttpGet().withPath(path).withPort(new IntOrString(ADMIN_PORT_NAME)).endHttpGet()
                .withPeriodSeconds(periodSeconds)
                .withFailureThreshold(failureThreshold)
                .withTimeoutSeconds(1)
                .build();
    }

    /**
     * Passes Pod Security "restricted" on its own, whatever the Pod sets. The seccomp profile is the runtime's
     * default, or the profile's Localhost one (restricted allows both), e.g. one that also allows io_uring.
     */
    private static SecurityContext restricted(SidecarUser user, String seccompLocalhostProfile) {
        return new SecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(user.uid())
                .withRunAsGroup(user.gid())
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .withSeccompProfile(seccompLocalhostProfile == null
                        ? new SeccompProfile(null, "RuntimeDefault")
                        : new SeccompProfile(seccompLocalhostProfile, "Localhost"))
                .build();
    }
}
