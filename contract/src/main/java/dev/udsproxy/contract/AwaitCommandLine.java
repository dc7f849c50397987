package dev.udsproxy.contract;

import java.util.List;

/**
 * The sidecar's {@code await} subcommand, the classic-mode postStart hook: it returns once the admin port answers
 * {@code GET /healthz} with 200. The operator puts {@link #args} after the image's java launcher; the sidecar's
 * parser reads these names.
 */
public final class AwaitCommandLine {
    public static final String COMMAND = "await";
    /** The admin address to poll: the same flag as the sidecar's own {@link Setting#ADMIN}. */
    public static final String ADMIN_OPTION = Setting.ADMIN.flag();
    public static final String TIMEOUT_OPTION = "--timeout";
    /** The hook runs in the sidecar's container: its admin port is on loopback. */
    public static final String LOOPBACK = "127.0.0.1";
    public static final String DEFAULT_ADMIN = LOOPBACK + ":" + Defaults.ADMIN_PORT;
    /** The kubelet gives the hook no deadline of its own: this bounds the wait (a duration of {@link Durations}). */
    public static final String DEFAULT_TIMEOUT = "60s";

    private AwaitCommandLine() {
    }

    /** {@code await --admin 127.0.0.1:<port> --timeout 60s}. */
    public static List<String> args(int adminPort) {
        return List.of(COMMAND, ADMIN_OPTION, new Endpoint(LOOPBACK, adminPort).toString(),
                TIMEOUT_OPTION, DEFAULT_TIMEOUT);
    }
}
