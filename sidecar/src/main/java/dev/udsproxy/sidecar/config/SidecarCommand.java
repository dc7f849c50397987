package dev.udsproxy.sidecar.config;

import java.util.EnumMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line. Each option falls back to its env variable, then to a default; values stay strings here
 * so that {@link SidecarConfig#parse} validates flags and env alike and names the setting when one is wrong.
 */
@Command(name = "udsproxy-sidecar", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = SidecarCommand.Version.class,
        description = "TCP to the app's Unix domain socket, and egress sockets to TCP services.%n"
                + "Every option can also be set by the env variable named in its description.")
public final class SidecarCommand {

    /** --version: the project version, from {@link ProductVersion}. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"udsproxy-sidecar " + ProductVersion.VERSION};
        }
    }

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "${env:UDSPROXY_LISTEN:-0.0.0.0:8080}",
            description = "TCP address for cluster traffic (UDSPROXY_LISTEN). Default: ${DEFAULT-VALUE}")
    String listen;

    @Option(names = "--upstream", paramLabel = "unix:PATH|tcp:HOST:PORT",
            defaultValue = "${env:UDSPROXY_UPSTREAM:-unix:/var/run/udsproxy/app.sock}",
            description = "The app's socket, or a TCP address for comparison and migration (UDSPROXY_UPSTREAM)."
                    + " Default: ${DEFAULT-VALUE}")
    String upstream;

    @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "${env:UDSPROXY_ADMIN:-0.0.0.0:15090}",
            description = "Admin HTTP: /healthz /readyz /metrics, POST /quitquitquit (UDSPROXY_ADMIN). Default: ${DEFAULT-VALUE}")
    String admin;

    @Option(names = "--egress", paramLabel = "NAME=HOST:PORT,...", defaultValue = "${env:UDSPROXY_EGRESS:-}",
            description = "Egress routes: socket-dir/egress/NAME.sock -> HOST:PORT (UDSPROXY_EGRESS). Default: none")
    String egress;

    @Option(names = "--socket-dir", paramLabel = "DIR", defaultValue = "${env:UDSPROXY_SOCKET_DIR:-/var/run/udsproxy}",
            description = "Shared socket folder (UDSPROXY_SOCKET_DIR). Default: ${DEFAULT-VALUE}")
    String socketDir;

    @Option(names = "--proxy-protocol", paramLabel = "off|v1|v2",
            defaultValue = "${env:UDSPROXY_PROXY_PROTOCOL:-off}",
            description = "PROXY protocol header towards the app (UDSPROXY_PROXY_PROTOCOL). Default: ${DEFAULT-VALUE}")
    String proxyProtocol;

    @Option(names = "--connect-timeout", paramLabel = "DURATION",
            defaultValue = "${env:UDSPROXY_CONNECT_TIMEOUT:-5s}",
            description = "How long to retry an upstream that is not there yet (UDSPROXY_CONNECT_TIMEOUT)."
                    + " Default: ${DEFAULT-VALUE}")
    String connectTimeout;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "${env:UDSPROXY_IDLE_TIMEOUT:-1h}",
            description = "Close a connection after no bytes moved for this long, 0s = never"
                    + " (UDSPROXY_IDLE_TIMEOUT). Default: ${DEFAULT-VALUE}")
    String idleTimeout;

    @Option(names = "--shutdown-grace", paramLabel = "DURATION",
            defaultValue = "${env:UDSPROXY_SHUTDOWN_GRACE:-3s}",
            description = "After SIGTERM: not ready, but still accepting, for this long (UDSPROXY_SHUTDOWN_GRACE)."
                    + " Default: ${DEFAULT-VALUE}")
    String shutdownGrace;

    @Option(names = "--drain-timeout", paramLabel = "DURATION",
            defaultValue = "${env:UDSPROXY_DRAIN_TIMEOUT:-20s}",
            description = "Then wait at most this long for open connections to end (UDSPROXY_DRAIN_TIMEOUT)."
                    + " Default: ${DEFAULT-VALUE}")
    String drainTimeout;

    @Option(names = "--max-connections", paramLabel = "N",
            defaultValue = "${env:UDSPROXY_MAX_CONNECTIONS:-10000}",
            description = "Open client connections, all listeners together (UDSPROXY_MAX_CONNECTIONS)."
                    + " Default: ${DEFAULT-VALUE}")
    String maxConnections;

    @Option(names = "--io-threads", paramLabel = "N", defaultValue = "${env:UDSPROXY_IO_THREADS:-1}",
            description = "Event loop threads (UDSPROXY_IO_THREADS). Default: ${DEFAULT-VALUE}")
    String ioThreads;

    @Option(names = "--transport", paramLabel = "auto|io_uring|epoll|nio",
            defaultValue = "${env:UDSPROXY_TRANSPORT:-auto}",
            description = "Socket transport; auto = the first of io_uring, epoll, nio that the kernel and seccomp"
                    + " allow (UDSPROXY_TRANSPORT)."
                    + " Default: ${DEFAULT-VALUE}")
    String transport;

    @Option(names = "--admin-shutdown", paramLabel = "loopback|off",
            defaultValue = "${env:UDSPROXY_ADMIN_SHUTDOWN:-loopback}",
            description = "POST /quitquitquit on the admin port: loopback = only from the Pod's own containers,"
                    + " off = never; refused with 403 (UDSPROXY_ADMIN_SHUTDOWN). Default: ${DEFAULT-VALUE}")
    String adminShutdown;

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "${env:UDSPROXY_LOG_FORMAT:-text}",
            description = "Log lines on stderr: text, or json = one JSON object per line (UDSPROXY_LOG_FORMAT)."
                    + " Default: ${DEFAULT-VALUE}")
    String logFormat;

    @Option(names = "--backlog", paramLabel = "N", defaultValue = "${env:UDSPROXY_BACKLOG:-" + Limits.DEFAULT_BACKLOG + "}",
            description = "Listen backlog of the TCP listener and the egress sockets; the kernel caps it at"
                    + " net.core.somaxconn (UDSPROXY_BACKLOG). Default: ${DEFAULT-VALUE}")
    String backlog;

    /** The chosen raw value of every setting. */
    public Map<Setting, String> rawValues() {
        Map<Setting, String> raw = new EnumMap<>(Setting.class);
        raw.put(Setting.LISTEN, listen);
        raw.put(Setting.UPSTREAM, upstream);
        raw.put(Setting.ADMIN, admin);
        raw.put(Setting.EGRESS, egress == null ? "" : egress);
        raw.put(Setting.SOCKET_DIR, socketDir);
        raw.put(Setting.PROXY_PROTOCOL, proxyProtocol);
        raw.put(Setting.CONNECT_TIMEOUT, connectTimeout);
        raw.put(Setting.IDLE_TIMEOUT, idleTimeout);
        raw.put(Setting.SHUTDOWN_GRACE, shutdownGrace);
        raw.put(Setting.DRAIN_TIMEOUT, drainTimeout);
        raw.put(Setting.MAX_CONNECTIONS, maxConnections);
        raw.put(Setting.IO_THREADS, ioThreads);
        raw.put(Setting.TRANSPORT, transport);
        raw.put(Setting.ADMIN_SHUTDOWN, adminShutdown);
        raw.put(Setting.LOG_FORMAT, logFormat);
        raw.put(Setting.BACKLOG, backlog);
        return raw;
    }
}
