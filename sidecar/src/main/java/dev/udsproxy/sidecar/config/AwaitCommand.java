package dev.udsproxy.sidecar.config;

import dev.udsproxy.contract.AwaitCommandLine;
import dev.udsproxy.contract.Durations;
import dev.udsproxy.contract.Endpoint;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code await}: the classic-mode postStart hook, with the option names the operator writes
 * ({@link AwaitCommandLine}). Runs in a second, short-lived JVM inside the sidecar's container (whose image has no
 * shell), so it starts no Netty server and only polls the admin port.
 */
public final class AwaitCommand {
    private final CommandSpec spec = CommandSpec.create().name(AwaitCommandLine.COMMAND);

    public AwaitCommand() {
        StandardHelpOptions.addTo(spec);
        spec.usageMessage().description("Wait until the sidecar's admin port answers GET /healthz with 200 (exit 0);"
                + " exit 1 when it does not within the timeout.");
        spec.addOption(OptionSpec.builder(AwaitCommandLine.ADMIN_OPTION).paramLabel("HOST:PORT").type(String.class)
                .defaultValue(AwaitCommandLine.DEFAULT_ADMIN)
                .description("The sidecar's admin address. Default: ${DEFAULT-VALUE}").build());
        spec.addOption(OptionSpec.builder(AwaitCommandLine.TIMEOUT_OPTION).paramLabel("DURATION").type(String.class)
                .defaultValue(AwaitCommandLine.DEFAULT_TIMEOUT)
                .description("Give up after this long. Default: ${DEFAULT-VALUE}").build());
    }

    public CommandSpec spec() {
        return spec;
    }

    /** @throws IllegalArgumentException naming the option, the value and what is allowed */
    public HostPort adminAddress() {
        String admin = value(AwaitCommandLine.ADMIN_OPTION);
        try {
            return HostPort.of(Endpoint.parse(admin.trim()));
        } catch (IllegalArgumentException e) {
            throw invalid(AwaitCommandLine.ADMIN_OPTION, admin, e);
        }
    }

    /** Same duration rules as the sidecar's settings; zero would never wait, so it is refused. */
    public Duration timeoutDuration() {
        String timeout = value(AwaitCommandLine.TIMEOUT_OPTION);
        try {
            return Durations.parse(timeout.trim(), false);
        } catch (IllegalArgumentException e) {
            throw invalid(AwaitCommandLine.TIMEOUT_OPTION, timeout, e);
        }
    }

    private String value(String option) {
        return spec.findOption(option).getValue();
    }

    private static IllegalArgumentException invalid(String option, String value, IllegalArgumentException why) {
        return new IllegalArgumentException("invalid " + option + " value \"" + value + "\": " + why.getMessage());
    }
}
