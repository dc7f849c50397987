package dev.udsproxy.operator.injection;

import dev.udsproxy.contract.AdminPaths;
import dev.udsproxy.contract.Defaults;
import dev.udsproxy.contract.EgressRoute;
import dev.udsproxy.contract.Endpoint;
import dev.udsproxy.contract.Setting;
import dev.udsproxy.contract.SocketPaths;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ExecAction;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.List;

/** Renders the {@code udsproxy} container from the profile and the Pod's request. */
final class SidecarContainerFactory {
    static final String ADMIN_PORT_NAME = Annotations.ADMIN_PORT_NAME;

    private SidecarContainerFactory() {
    }

    static Container build(ProfileSettings profile, InjectionRequest request, ContainerPort inbound,
            String proxyProtocol, boolean nativeSidecar, SidecarUser user) {
        // Plain model objects and setters, not fabric8's fluent builders: every admission renders this container, and
        // the builders (a builder per nested object, each copied again by build()) were a quarter of the bytes an
        // admission allocated (bench/admission-alloc.sh).
        Container c = new Container();
        c.setName(Annotations.SIDECAR_CONTAINER);
        c.setImage(profile.image());
        c.setImagePullPolicy(profile.imagePullPolicy());
        c.setEnv(env(profile, request, inbound.getContainerPort(), proxyProtocol));
        c.setPorts(new ArrayList<>(List.of(inbound,
                new ContainerPort(profile.adminPort(), null, null, ADMIN_PORT_NAME, "TCP"))));
        // A copy: the profile's settings are shared by every admission of the profile (ProfileSettings.from).
        c.setResources(new ResourceRequirementsBuilder(profile.resources()).build());
        c.setSecurityContext(restricted(user, profile.seccompLocalhostProfile()));
        c.setVolumeMounts(new ArrayList<>(List.of(
                mount(Annotations.SOCKET_VOLUME, Defaults.SOCKET_DIR, null),
                mount(Annotations.NO_TOKEN_VOLUME, Annotations.SERVICE_ACCOUNT_TOKEN_DIR, true))));
        // Startup waits for the sidecar only: a native sidecar must be started before the
        // kubelet starts the app, so waiting on the app's socket here would deadlock.
        c.setStartupProbe(probe(AdminPaths.HEALTHZ, 1, 60));
        c.setLivenessProbe(probe(AdminPaths.HEALTHZ, 10, 3));
        // Ready only when the app's socket accepts: the Pod is never Ready before its app.
        c.setReadinessProbe(probe(AdminPaths.READYZ, 2, 2));
        if (nativeSidecar) {
            c.setRestartPolicy("Always");
        } else {
            // The kubelet starts the next container only after postStart returns, so the app
            // starts second; the hook returns once the sidecar listens.
            LifecycleHandler postStart = new LifecycleHandler();
            postStart.setExec(new ExecAction(new ArrayList<>(profile.classicPostStartCommand())));
            Lifecycle lifecycle = new Lifecycle();
            lifecycle.setPostStart(postStart);
            c.setLifecycle(lifecycle);
        }
        return c;
    }

    private static VolumeMount mount(String volume, String path, Boolean readOnly) {
        VolumeMount mount = new VolumeMount();
        mount.setName(volume);
        mount.setMountPath(path);
        mount.setReadOnly(readOnly);
        return mount;
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
        HTTPGetAction get = new HTTPGetAction();
        get.setPath(path);
        get.setPort(new IntOrString(ADMIN_PORT_NAME));
        Probe probe = new Probe();
        probe.setHttpGet(get);
        probe.setPeriodSeconds(periodSeconds);
        probe.setFailureThreshold(failureThreshold);
        probe.setTimeoutSeconds(1);
        return probe;
    }

    /**
     * Passes Pod Security "restricted" on its own, whatever the Pod sets. The seccomp profile is the runtime's
     * default, or the profile's Localhost one (restricted allows both), e.g. one that also allows io_uring.
     */
    private static SecurityContext restricted(SidecarUser user, String seccompLocalhostProfile) {
        SecurityContext context = new SecurityContext();
        context.setRunAsNonRoot(true);
        context.setRunAsUser(user.uid());
        context.setRunAsGroup(user.gid());
        context.setAllowPrivilegeEscalation(false);
        context.setReadOnlyRootFilesystem(true);
        Capabilities capabilities = new Capabilities();
        capabilities.setDrop(new ArrayList<>(List.of("ALL")));
        context.setCapabilities(capabilities);
        context.setSeccompProfile(seccompLocalhostProfile == null
                ? new SeccompProfile(null, "RuntimeDefault")
                : new SeccompProfile(seccompLocalhostProfile, "Localhost"));
        return context;
    }
}
