package dev.udsproxy.operator.injection;

/** The annotation and label keys of the contract (docs/design.md). Changing one breaks users' manifests. */
public final class Annotations {
    public static final String PREFIX = "udsproxy.dev/";

    /** On a workload or Pod, annotation or label: "true" opts in, "false" opts out. */
    public static final String INJECT = PREFIX + "inject";
    /** Namespace label: every new Pod in it opts in. */
    public static final String NAMESPACE_INJECTION = PREFIX + "injection";
    public static final String NAMESPACE_INJECTION_ENABLED = "enabled";

    public static final String PORT = PREFIX + "port";
    public static final String CONTAINER = PREFIX + "container";
    public static final String SOCKET = PREFIX + "socket";
    public static final String EGRESS = PREFIX + "egress";
    public static final String PROXY_PROTOCOL = PREFIX + "proxy-protocol";
    public static final String PROFILE = PREFIX + "profile";
    /** Written by the webhook: what was injected and with which profile hash. */
    public static final String STATUS = PREFIX + "status";
    /** Written by the workload reconciler on a Pod template: a new hash rolls the workload. */
    public static final String PROFILE_HASH = PREFIX + "profile-hash";

    /**
     * Readiness gate the operator puts on an opted-in workload's Pod template and the webhook removes when it injects:
     * nothing ever sets this condition, so a Pod created without the webhook never becomes Ready.
     */
    public static final String INJECTED_CONDITION = PREFIX + "injected";

    /** Names of what we add to a Pod. */
    public static final String SIDECAR_CONTAINER = "udsproxy";
    /** The sidecar's admin port (/healthz, /readyz, /metrics): the PodMonitor and {@code udsproxy check} find it by name. */
    public static final String ADMIN_PORT_NAME = "udsproxy-admin";
    public static final String SOCKET_VOLUME = "udsproxy-sockets";
    /**
     * An empty folder the sidecar mounts where Kubernetes puts the ServiceAccount token: the ServiceAccount admission
     * plugin skips a container with a mount there. It runs again after our patch (in-tree mutating plugins are
     * reinvoked when a webhook changed the Pod), so without this the sidecar, which never calls the API, would get
     * the Pod's token too.
     */
    public static final String NO_TOKEN_VOLUME = "udsproxy-no-api-token";
    public static final String SERVICE_ACCOUNT_TOKEN_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

    private Annotations() {
    }
}
