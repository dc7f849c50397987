package dev.udsproxy.contract;

import java.util.Locale;

/**
 * The sidecar's settings. Each has one flag ({@code --socket-dir}) and one env name ({@code UDSPROXY_SOCKET_DIR}),
 * both derived from its name, and one default; the sidecar reads exactly these, the operator writes the env names.
 */
public enum Setting {
    LISTEN("listen", Defaults.ALL_ADDRESSES + ":" + Defaults.LISTEN_PORT),
    UPSTREAM("upstream", SocketPaths.UNIX_PREFIX + SocketPaths.appSocket(Defaults.APP_SOCKET)),
    ADMIN("admin", Defaults.ALL_ADDRESSES + ":" + Defaults.ADMIN_PORT),
    EGRESS("egress", ""),
    SOCKET_DIR("socket-dir", Defaults.SOCKET_DIR),
    PROXY_PROTOCOL("proxy-protocol", Defaults.PROXY_PROTOCOL.wireName()),
    CONNECT_TIMEOUT("connect-timeout", Defaults.CONNECT_TIMEOUT),
    IDLE_TIMEOUT("idle-timeout", Defaults.IDLE_TIMEOUT),
    SHUTDOWN_GRACE("shutdown-grace", Defaults.SHUTDOWN_GRACE),
    DRAIN_TIMEOUT("drain-timeout", Defaults.DRAIN_TIMEOUT),
    MAX_CONNECTIONS("max-connections", String.valueOf(Defaults.MAX_CONNECTIONS)),
    IO_THREADS("io-threads", String.valueOf(Defaults.IO_THREADS)),
    TRANSPORT("transport", Defaults.TRANSPORT.wireName()),
    ADMIN_SHUTDOWN("admin-shutdown", Defaults.ADMIN_SHUTDOWN.wireName()),
    LOG_FORMAT("log-format", Defaults.LOG_FORMAT.wireName()),
    BACKLOG("backlog", String.valueOf(Defaults.BACKLOG));

    /** Every env name of the sidecar starts with this; the app's own ({@code UDSPROXY_SOCKET}) do too. */
    public static final String ENV_PREFIX = "UDSPROXY_";

    private final String flag;
    private final String env;
    private final String defaultValue;

    Setting(String name, String defaultValue) {
        this.flag = "--" + name;
        this.env = ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_');
        this.defaultValue = defaultValue;
    }

    public String flag() {
        return flag;
    }

    public String env() {
        return env;
    }

    /** What the sidecar runs with when neither the flag nor the env is given; empty for "none". */
    public String defaultValue() {
        return defaultValue;
    }
}
