package dev.udsproxy.sidecar.config;

import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code await}: the classic-mode postStart hook. Runs in a second, short-lived JVM inside the sidecar's
 * container (whose image has no shell), so it starts no Netty server and only polls the admin port.
 */
@Command(name = "await", mixinStandardHelpOptions = true,
        description = "Wait until the sidecar's admin port answers GET /healthz with 200 (exit 0);"
                + " exit 1 when it does not within the timeout.")
public final class AwaitCommand {

    @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:15090",
            description = "The sidecar's admin address. Default: ${DEFAULT-VALUE}")
    String admin;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s",
            description = "Give up after this long. Default: ${DEFAULT-VALUE}")
    String timeout;

    /** @throws IllegalArgumentException naming the option, the value and what is allowed */
    public HostPort adminAddress() {
        try {
            return HostPort.parse(Setting.ADMIN, admin);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("invalid --admin value \"" + admin + "\": " + HostPort.ALLOWED);
        }
    }

    /** Same duration rules as the sidecar's settings; zero would never wait, so it is refused. */
    public Duration timeoutDuration() {
        try {
            return Limits.parseDuration(timeout, false);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid --timeout value \"" + timeout + "\": " + e.getMessage());
        }
    }
}
