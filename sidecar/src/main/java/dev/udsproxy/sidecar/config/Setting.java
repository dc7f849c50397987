package dev.udsproxy.sidecar.config;

/** Every setting has exactly one flag and one env name; both appear in error messages. */
public enum Setting {
    LISTEN("--listen", "UDSPROXY_LISTEN"),
    UPSTREAM("--upstream", "UDSPROXY_UPSTREAM"),
    ADMIN("--admin", "UDSPROXY_ADMIN"),
    EGRESS("--egress", "UDSPROXY_EGRESS"),
    SOCKET_DIR("--socket-dir", "UDSPROXY_SOCKET_DIR"),
    PROXY_PROTOCOL("--proxy-protocol", "UDSPROXY_PROXY_PROTOCOL"),
    CONNECT_TIMEOUT("--connect-timeout", "UDSPROXY_CONNECT_TIMEOUT"),
    IDLE_TIMEOUT("--idle-timeout", "UDSPROXY_IDLE_TIMEOUT"),
    SHUTDOWN_GRACE("--shutdown-grace", "UDSPROXY_SHUTDOWN_GRACE"),
    DRAIN_TIMEOUT("--drain-timeout", "UDSPROXY_DRAIN_TIMEOUT"),
    MAX_CONNECTIONS("--max-connections", "UDSPROXY_MAX_CONNECTIONS"),
    IO_THREADS("--io-threads", "UDSPROXY_IO_THREADS"),
    TRANSPORT("--transport", "UDSPROXY_TRANSPORT"),
    ADMIN_SHUTDOWN("--admin-shutdown", "UDSPROXY_ADMIN_SHUTDOWN"),
    LOG_FORMAT("--log-format", "UDSPROXY_LOG_FORMAT"),
    BACKLOG("--backlog", "UDSPROXY_BACKLOG");

    private final String flag;
    private final String env;

    Setting(String flag, String env) {
        this.flag = flag;
        this.env = env;
    }

    public String flag() {
        return flag;
    }

    public String env() {
        return env;
    }
}
