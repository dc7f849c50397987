package dev.udsproxy.operator.injection;

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
import java.util.stream.Collectors;

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
                    .withMountPath(Annotations.SOCKET_DIR)
                .endVolumeMount()
                .addNewVolumeMount()
                    .withName(Annotations.NO_TOKEN_VOLUME)
                    .withMountPath(Annotations.SERVICE_ACCOUNT_TOKEN_DIR)
                    .withReadOnly(true)
                .endVolumeMount()
                // Startup waits for the sidecar only: a native sidecar must be started before the
                // kubelet starts the app, so waiting on the app's socket here would deadlock.
                .withStartupProbe(probe("/healthz", 1, 60))
                .withLivenessProbe(probe("/healthz", 10, 3))
                // Ready only when the app's socket accepts: the Pod is never Ready before its app.
                .withReadinessProbe(probe("/readyz", 2, 2));
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

    private static List<EnvVar> env(ProfileSettings profile, InjectionRequest request, int port, String proxyProtocol) {
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("UDSPROXY_LISTEN", "0.0.0.0:" + port, null));
        env.add(new EnvVar("UDSPROXY_UPSTREAM", "unix:" + request.socketPath(), null));
        env.add(new EnvVar("UDSPROXY_ADMIN", "0.0.0.0:" + profile.adminPort(), null));
        env.add(new EnvVar("UDSPROXY_SOCKET_DIR", Annotations.SOCKET_DIR, null));
        env.add(new EnvVar("UDSPROXY_PROXY_PROTOCOL", proxyProtocol, null));
        // Written even when they equal the sidecar's defaults, so that the Pod spec says what runs.
        env.add(new EnvVar("UDSPROXY_ADMIN_SHUTDOWN", profile.adminShutdown().wireName(), null));
        env.add(new EnvVar("UDSPROXY_LOG_FORMAT", profile.logFormat().wireName(), null));
        if (!request.egress().isEmpty()) {
            env.add(new EnvVar("UDSPROXY_EGRESS",
                    request.egress().stream().map(EgressRoute::spec).collect(Collectors.joining(",")), null));
        }
        // Unset timeouts, transport and backlog leave the sidecar's own defaults in charge.
        if (profile.transport() != null) {
            env.add(new EnvVar("UDSPROXY_TRANSPORT", profile.transport().wireName(), null));
        }
        if (profile.backlog() != null) {
            env.add(new EnvVar("UDSPROXY_BACKLOG", String.valueOf(profile.backlog()), null));
        }
        addIfSet(env, "UDSPROXY_CONNECT_TIMEOUT", profile.connectTimeout());
        addIfSet(env, "UDSPROXY_IDLE_TIMEOUT", profile.idleTimeout());
        addIfSet(env, "UDSPROXY_SHUTDOWN_GRACE", profile.shutdownGrace());
        addIfSet(env, "UDSPROXY_DRAIN_TIMEOUT", profile.drainTimeout());
        return env;
    }

    private static void addIfSet(List<EnvVar> env, String name, String value) {
        if (value != null) {
            env.add(new EnvVar(name, value, null));
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
