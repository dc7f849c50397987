package dev.udsproxy.contract;

/**
 * The sidecar's admin HTTP paths: the operator points the Pod's probes at them, the {@code await} hook polls
 * {@link #HEALTHZ}. Constants, so that the sidecar's router can switch on them.
 */
public final class AdminPaths {
    /** 200 while the process serves: the startup and liveness probes, and {@code await}. */
    public static final String HEALTHZ = "/healthz";
    /** 200 only while the app's socket accepts and no drain has begun: the readiness probe. */
    public static final String READYZ = "/readyz";
    /** Prometheus text format. */
    public static final String METRICS = "/metrics";
    /** POST starts a drain (see {@link AdminShutdown}). */
    public static final String QUIT = "/quitquitquit";

    private AdminPaths() {
    }
}
