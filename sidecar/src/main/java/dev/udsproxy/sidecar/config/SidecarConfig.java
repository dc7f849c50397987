package dev.udsproxy.sidecar.config;

import dev.udsproxy.contract.AdminShutdown;
import dev.udsproxy.contract.Limits;
import dev.udsproxy.contract.LogFormat;
import dev.udsproxy.contract.Setting;
import dev.udsproxy.contract.SocketPaths;
import dev.udsproxy.contract.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The whole configuration of one sidecar process, validated; built once at start from flags and env. */
public record SidecarConfig(
        HostPort listen,
        AppUpstream upstream,
        HostPort admin,
        List<EgressRoute> egress,
        Path socketDir,
        ProxyProtocol proxyProtocol,
        Duration connectTimeout,
        Duration idleTimeout,
        Duration shutdownGrace,
        Duration drainTimeout,
        int maxConnections,
        int ioThreads,
        TransportKind transport,
        AdminShutdown adminShutdown,
        LogFormat logFormat,
        int backlog) {

    /**
     * Validates raw values (flag, else env, else default, already chosen by the caller).
     *
     * @throws ConfigException naming the first setting that is wrong
     */
    public static SidecarConfig parse(Map<Setting, String> raw) {
        Path socketDir = parseSocketDir(raw.get(Setting.SOCKET_DIR));
        List<EgressRoute> egress = EgressRoute.parseList(raw.get(Setting.EGRESS));
        for (EgressRoute route : egress) {
            SettingValues.checkSocketPath(Setting.EGRESS, raw.get(Setting.EGRESS),
                    egressSocket(socketDir, route.name()).toString());
        }
        return new SidecarConfig(
                HostPort.parse(Setting.LISTEN, raw.get(Setting.LISTEN)),
                AppUpstream.parse(raw.get(Setting.UPSTREAM)),
                HostPort.parse(Setting.ADMIN, raw.get(Setting.ADMIN)),
                List.copyOf(egress),
                socketDir,
                ProxyProtocol.of(SettingValues.parseValue(Setting.PROXY_PROTOCOL, dev.udsproxy.contract.ProxyProtocol.class,
                        raw.get(Setting.PROXY_PROTOCOL))),
                SettingValues.parseDuration(Setting.CONNECT_TIMEOUT, raw.get(Setting.CONNECT_TIMEOUT), false),
                SettingValues.parseDuration(Setting.IDLE_TIMEOUT, raw.get(Setting.IDLE_TIMEOUT), true),
                SettingValues.parseDuration(Setting.SHUTDOWN_GRACE, raw.get(Setting.SHUTDOWN_GRACE), true),
                SettingValues.parseDuration(Setting.DRAIN_TIMEOUT, raw.get(Setting.DRAIN_TIMEOUT), true),
                SettingValues.parseInt(Setting.MAX_CONNECTIONS, raw.get(Setting.MAX_CONNECTIONS), 1, 1_000_000),
                SettingValues.parseInt(Setting.IO_THREADS, raw.get(Setting.IO_THREADS), 1, 64),
                TransportKind.of(SettingValues.parseValue(Setting.TRANSPORT, Transport.class, raw.get(Setting.TRANSPORT))),
                SettingValues.parseValue(Setting.ADMIN_SHUTDOWN, AdminShutdown.class, raw.get(Setting.ADMIN_SHUTDOWN)),
                SettingValues.parseValue(Setting.LOG_FORMAT, LogFormat.class, raw.get(Setting.LOG_FORMAT)),
                SettingValues.parseInt(Setting.BACKLOG, raw.get(Setting.BACKLOG), 1, Limits.MAX_BACKLOG));
    }

    /** Where the app connects for one egress route. */
    public static Path egressSocket(Path socketDir, String routeName) {
        return Path.of(SocketPaths.egressSocket(socketDir.toString(), routeName));
    }

    public Path egressSocket(EgressRoute route) {
        return egressSocket(socketDir, route.name());
    }

    private static Path parseSocketDir(String value) {
        if (value.isBlank() || !value.trim().startsWith("/")) {
            throw new ConfigException(Setting.SOCKET_DIR, value, "expected an absolute directory path");
        }
        return Path.of(value.trim());
    }
}
