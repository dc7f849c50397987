package dev.udsproxy.sidecar.config;

import dev.udsproxy.contract.AdminShutdown;
import dev.udsproxy.contract.LogFormat;
import dev.udsproxy.contract.ProductVersion;
import dev.udsproxy.contract.ProxyProtocol;
import dev.udsproxy.contract.Setting;
import dev.udsproxy.contract.Transport;
import dev.udsproxy.contract.WireValue;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command line, one option per contract {@link Setting}: its flag, else its env variable, else its default.
 * Built in code rather than from annotations so that the names and defaults come from the contract, not from a
 * copy; values stay strings here so that {@link SidecarConfig#parse} validates flags and env alike and names the
 * setting when one is wrong.
 */
public final class SidecarCommand {
    // The version is read (a resource of the jar) only for --version: 6 of the 360 CPU samples before listening.
    private final CommandSpec spec = CommandSpec.create().name("udsproxy-sidecar")
            .versionProvider(() -> new String[] {"udsproxy-sidecar " + ProductVersion.VERSION});

    public SidecarCommand() {
        StandardHelpOptions.addTo(spec);
        spec.usageMessage().sortOptions(false).description(
                "TCP to the app's Unix domain socket, and egress sockets to TCP services.",
                "Every option can also be set by the env variable named in its description.");
        for (Setting setting : Setting.values()) {
            Help help = help(setting);
            spec.addOption(OptionSpec.builder(setting.flag())
                    .paramLabel(help.paramLabel())
                    .type(String.class)
                    .defaultValue("${env:" + setting.env() + ":-" + setting.defaultValue() + "}")
                    .description(help.text() + " (" + setting.env() + "). Default: "
                            + (setting.defaultValue().isEmpty() ? "none" : "${DEFAULT-VALUE}"))
                    .build());
        }
    }

    public CommandSpec spec() {
        return spec;
    }

    /** The chosen raw value of every setting, after {@code parseArgs}. */
    public Map<Setting, String> rawValues() {
        Map<Setting, String> raw = new EnumMap<>(Setting.class);
        for (Setting setting : Setting.values()) {
            String value = spec.findOption(setting.flag()).getValue();
            raw.put(setting, value == null ? "" : value);
        }
        return raw;
    }

    private record Help(String paramLabel, String text) {
    }

    /** Exhaustive: a setting the contract gains fails this compile until the sidecar documents (and reads) it. */
    private static Help help(Setting setting) {
        return switch (setting) {
            case LISTEN -> new Help("HOST:PORT", "TCP address for cluster traffic");
            case UPSTREAM -> new Help("unix:PATH|tcp:HOST:PORT",
                    "The app's socket, or a TCP address for comparison and migration");
            case ADMIN -> new Help("HOST:PORT", "Admin HTTP: /healthz /readyz /metrics, POST /quitquitquit");
            case EGRESS -> new Help("NAME=HOST:PORT,...", "Egress routes: socket-dir/egress/NAME.sock -> HOST:PORT");
            case SOCKET_DIR -> new Help("DIR", "Shared socket folder");
            case PROXY_PROTOCOL -> new Help(choices(ProxyProtocol.class), "PROXY protocol header towards the app");
            case CONNECT_TIMEOUT -> new Help("DURATION", "How long to retry an upstream that is not there yet");
            case IDLE_TIMEOUT -> new Help("DURATION",
                    "Close a connection after no bytes moved for this long, 0s = never");
            case SHUTDOWN_GRACE -> new Help("DURATION", "After SIGTERM: not ready, but still accepting, for this long");
            case DRAIN_TIMEOUT -> new Help("DURATION", "Then wait at most this long for open connections to end");
            case MAX_CONNECTIONS -> new Help("N", "Open client connections, all listeners together");
            case IO_THREADS -> new Help("N", "Event loop threads");
            case TRANSPORT -> new Help(choices(Transport.class), "Socket transport; auto = the first of io_uring,"
                    + " epoll, nio that the kernel and seccomp allow");
            case ADMIN_SHUTDOWN -> new Help(choices(AdminShutdown.class), "POST /quitquitquit on the admin port:"
                    + " loopback = only from the Pod's own containers, off = never; refused with 403");
            case LOG_FORMAT -> new Help(choices(LogFormat.class),
                    "Log lines on stderr: text, or json = one JSON object per line");
            case BACKLOG -> new Help("N", "Listen backlog of the TCP listener and the egress sockets; the kernel caps"
                    + " it at net.core.somaxconn");
        };
    }

    private static <E extends Enum<E> & WireValue> String choices(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(WireValue::wireName).collect(Collectors.joining("|"));
    }
}
