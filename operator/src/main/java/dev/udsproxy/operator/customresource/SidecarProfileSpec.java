package dev.udsproxy.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.udsproxy.contract.Defaults;
import dev.udsproxy.contract.Durations;
import dev.udsproxy.contract.Limits;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * What an injected sidecar looks like. Absent fields take the defaults of {@code ProfileSettings}. The patterns and
 * ranges of the sidecar's own settings are the contract's, so the CRD admits only what the sidecar accepts.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SidecarProfileSpec {

    @Required
    @Pattern("^[^\\s]+$")
    @JsonPropertyDescription("Container image of the udsproxy sidecar.")
    public String image;

    @JsonPropertyDescription("Image pull policy of the sidecar: Always, IfNotPresent or Never.")
    @Pattern("^(Always|IfNotPresent|Never)$")
    public String imagePullPolicy;

    @JsonPropertyDescription("CPU and memory of the sidecar container, over the defaults key by key:"
            + " one that sets only requests.cpu keeps the default memory request and limit. A default limit below a"
            + " request set here is raised to it; a default request above a limit set here is lowered to it.")
    public ResourceRequirements resources;

    @JsonPropertyDescription("Ports of the sidecar.")
    public Ports ports;

    @JsonPropertyDescription("Timeouts of the proxy, as durations such as 5s, 250ms or 1h.")
    public Timeouts timeouts;

    @JsonPropertyDescription("Graceful drain on SIGTERM.")
    public Drain drain;

    @JsonPropertyDescription("PROXY protocol towards the app for Pods without udsproxy.dev/proxy-protocol.")
    public ProxyProtocol proxyProtocol;

    @JsonPropertyDescription("auto: native sidecar (initContainer with restartPolicy Always) where the cluster supports it; always; never.")
    public NativeSidecarMode nativeSidecar;

    @JsonPropertyDescription("Classic mode only: the sidecar's postStart exec command, which must return once the"
            + " sidecar listens (the kubelet starts the app after it). Default: the sidecar image's own java running"
            + " the sidecar jar's await subcommand against /healthz on the admin port (exec form, no shell needed);"
            + " set this for a sidecar image that keeps java or the jar elsewhere.")
    public java.util.List<String> classicPostStartCommand;

    @JsonPropertyDescription("sizeLimit of the in-memory socket folder, a quantity such as 1Mi.")
    @Pattern("^[0-9]+(Ki|Mi|Gi)?$")
    public String socketVolumeSize;

    @JsonPropertyDescription("Group shared by the app and the sidecar (the Pod's fsGroup) when the Pod sets none.")
    @Min(1)
    @Max(2147483647)
    public Long socketGroup;

    @JsonPropertyDescription("User id of the sidecar process. Unset (the default): the app container's user (its"
            + " runAsUser, else the Pod's), so that the sidecar owns the app's socket whatever its mode; 65532 where"
            + " the spec names no user or root. Set, the sidecar reaches the socket through the fsGroup only (mode 0660).")
    @Min(1)
    @Max(2147483647)
    public Long runAsUser;

    @JsonPropertyDescription("Whether the sidecar's admin port accepts POST /quitquitquit (stop the sidecar, e.g. when"
            + " a Job's app is done): loopback (default) only from another container of the Pod; off refuses it (403).")
    public AdminShutdown adminShutdown;

    @JsonPropertyDescription("Log format of the sidecar: text (default) or json (one JSON object a line).")
    public LogFormat logFormat;

    @JsonPropertyDescription("Socket transport of the sidecar (UDSPROXY_TRANSPORT): auto (the sidecar's default: io_uring"
            + " where the kernel and the Pod's seccomp profile allow it, else epoll), io_uring, epoll or nio. Unset:"
            + " the sidecar's default.")
    public SidecarTransport transport;

    @JsonPropertyDescription("Listen backlog of the sidecar's TCP port (UDSPROXY_BACKLOG); the kernel caps it at the"
            + " Pod's net.core.somaxconn. Unset: the sidecar's default.")
    @Min(1)
    @Max(Limits.MAX_BACKLOG)
    public Integer backlog;

    @JsonPropertyDescription("A seccomp profile on the node for the sidecar container (type Localhost, the path"
            + " relative to the kubelet's seccomp folder, e.g. profiles/udsproxy-io-uring.json): one that also allows"
            + " io_uring_setup, io_uring_enter and io_uring_register lets transport auto use io_uring. Unset:"
            + " RuntimeDefault. Both pass Pod Security restricted.")
    // Relative, and no segment starts with a dot (so no "..": the kubelet resolves it under its seccomp folder).
    @Pattern("^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$")
    public String seccompLocalhostProfile;

    @JsonPropertyDescription("Secrets for pulling the sidecar image, added to the injected Pod's imagePullSecrets"
            + " (each name once). Each Secret must exist in the namespace of every Pod that uses this profile.")
    public java.util.List<LocalObjectReference> imagePullSecrets;

    @JsonPropertyDescription("What to do with opted-in Pods that run without the sidecar.")
    public CatchUp catchUp;

    @JsonPropertyDescription("How a change of this profile reaches the workloads that use it.")
    public Rollout rollout;

    public static class Rollout {
        @JsonPropertyDescription("auto (default): the operator rolls each outdated workload (patches its Pod template),"
                + " paced by maxWorkloadsPerMinute; manual: it only marks them outdated (status.outdatedWorkloads, an"
                + " Event) and you restart them.")
        public RolloutMode mode;

        @JsonPropertyDescription("auto only: at most this many workloads rolled per minute, across all namespaces"
                + " (default 20); 0 rolls every outdated workload at once.")
        @Min(0)
        @Max(10000)
        public Integer maxWorkloadsPerMinute;
    }

    public static class Ports {
        @JsonPropertyDescription("Admin HTTP port: /healthz, /readyz, /metrics.")
        @Min(1)
        @Max(Limits.MAX_PORT)
        public Integer admin;

        @JsonPropertyDescription("Port the sidecar listens on when the Pod declares none and has no udsproxy.dev/port.")
        @Min(1)
        @Max(Limits.MAX_PORT)
        public Integer defaultInbound;
    }

    public static class Timeouts {
        @Pattern(Durations.POSITIVE_PATTERN)
        @JsonPropertyDescription("Connecting to the app socket or an egress upstream; greater than zero.")
        public String connect;

        @Pattern(Durations.PATTERN)
        @JsonPropertyDescription("A connection without traffic in either direction is closed after this; 0s: never.")
        public String idle;
    }

    public static class Drain {
        @Pattern(Durations.PATTERN)
        @JsonPropertyDescription("After SIGTERM: how long the sidecar stays not ready but still accepting, so that"
                + " Services stop sending before it stops listening (sidecar default " + Defaults.SHUTDOWN_GRACE + ").")
        public String shutdownGrace;

        @Pattern(Durations.PATTERN)
        @JsonPropertyDescription("Then: how long open connections may finish (sidecar default " + Defaults.DRAIN_TIMEOUT
                + "). The Pod's"
                + " terminationGracePeriodSeconds is raised to cover appPreStopSleepSeconds + shutdownGrace + timeout.")
        public String timeout;

        @Min(0)
        @Max(3600)
        @JsonPropertyDescription("Seconds of the preStop sleep (the kubelet's sleep action) the app container gets when"
                + " it has no preStop of its own: the app keeps serving until its endpoint is gone, since with a native"
                + " sidecar the kubelet stops the app first. 0: none. Default 5. Needs Kubernetes 1.30+; older"
                + " clusters get an admission warning instead.")
        public Integer appPreStopSleepSeconds;
    }

    public static class CatchUp {
        @JsonPropertyDescription("report: list and count such Pods; delete: also delete them so their controller recreates them through the webhook.")
        public CatchUpPolicy policy;
    }
}
