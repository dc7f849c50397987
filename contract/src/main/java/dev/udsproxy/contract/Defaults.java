package dev.udsproxy.contract;

/**
 * What the sidecar does when a setting is not given, and what the operator assumes it does (the terminationGrace
 * sum, the probes' port, the socket folder). Constants, so that annotations (picocli, the CRD's descriptions) can
 * use them.
 */
public final class Defaults {
    /** The shared in-memory folder: the app's socket and {@code egress/<name>.sock} live here. */
    public static final String SOCKET_DIR = "/var/run/udsproxy";
    /** The app's socket file in {@link #SOCKET_DIR} when the Pod names none. */
    public static final String APP_SOCKET = "app.sock";
    /** The sidecar's listeners bind every address: the kubelet and other Pods reach them over the Pod's IP. */
    public static final String ALL_ADDRESSES = "0.0.0.0";
    /** The cluster's TCP port when the Pod declares none. */
    public static final int LISTEN_PORT = 8080;
    /** The admin HTTP port: /healthz, /readyz, /metrics, POST /quitquitquit. */
    public static final int ADMIN_PORT = 15090;

    public static final String CONNECT_TIMEOUT = "5s";
    public static final String IDLE_TIMEOUT = "1h";
    /** After SIGTERM: not ready but still accepting for this long. */
    public static final String SHUTDOWN_GRACE = "3s";
    /** Then open connections get this long to finish. */
    public static final String DRAIN_TIMEOUT = "20s";
    public static final int MAX_CONNECTIONS = 10_000;
    public static final int IO_THREADS = 1;
    /**
     * Listen backlog: Linux's default net.core.somaxconn since 5.4 (also the cap the kernel applies; a Pod's network
     * namespace has its own). A burst of 5,000 connects found 0 refused or delayed at this value (sidecar/README.md).
     */
    public static final int BACKLOG = 4096;

    public static final ProxyProtocol PROXY_PROTOCOL = ProxyProtocol.OFF;
    public static final Transport TRANSPORT = Transport.AUTO;
    public static final AdminShutdown ADMIN_SHUTDOWN = AdminShutdown.LOOPBACK;
    public static final LogFormat LOG_FORMAT = LogFormat.TEXT;

    private Defaults() {
    }
}
