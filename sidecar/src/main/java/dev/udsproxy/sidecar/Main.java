package dev.udsproxy.sidecar;

import dev.udsproxy.contract.AdminPaths;
import dev.udsproxy.contract.AwaitCommandLine;
import dev.udsproxy.sidecar.await.HealthzAwait;
import dev.udsproxy.sidecar.config.AwaitCommand;
import dev.udsproxy.sidecar.config.ConfigException;
import dev.udsproxy.sidecar.config.HostPort;
import dev.udsproxy.sidecar.config.SidecarCommand;
import dev.udsproxy.sidecar.config.SidecarConfig;
import java.io.IOException;
import java.time.Duration;
import picocli.CommandLine;
import sun.misc.Signal;

/** Process entry: settings (exit 2 when wrong), start (exit 1 when it cannot), run until drained (exit 0). */
public final class Main {
    static final int EXIT_BAD_SETTING = 2;
    static final int EXIT_CANNOT_START = 1;

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        long mainEntered = System.nanoTime();
        SidecarCommand command = new SidecarCommand();
        AwaitCommand awaitCommand = new AwaitCommand();
        CommandLine cli = new CommandLine(command.spec())
                .addSubcommand(AwaitCommandLine.COMMAND, new CommandLine(awaitCommand.spec()));
        try {
            cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            System.err.println("udsproxy-sidecar: " + e.getMessage() + " (run with --help to list the settings)");
            System.exit(EXIT_BAD_SETTING);
        }
        if (cli.isUsageHelpRequested() || cli.isVersionHelpRequested()) {
            if (cli.isUsageHelpRequested()) {
                cli.usage(System.out);
            } else {
                cli.printVersionHelp(System.out);
            }
            System.exit(0);
        }
        if (cli.getParseResult().hasSubcommand()) {
            CommandLine sub = cli.getSubcommands().get(AwaitCommandLine.COMMAND);
            if (sub.isUsageHelpRequested() || sub.isVersionHelpRequested()) {
                sub.usage(System.out);
                System.exit(0);
            }
            System.exit(await(awaitCommand));
        }
        SidecarConfig config = null;
        try {
            config = SidecarConfig.parse(command.rawValues());
        } catch (ConfigException e) {
            System.err.println("udsproxy-sidecar: " + e.getMessage());
            System.exit(EXIT_BAD_SETTING);
        }
        Sidecar sidecar = null;
        try {
            sidecar = Sidecar.start(config);
        } catch (IOException | RuntimeException e) {
            System.err.println("udsproxy-sidecar: cannot start: " + e);
            System.exit(EXIT_CANNOT_START);
        }
        Sidecar running = sidecar;
        // A signal handler instead of a shutdown hook: the JVM then does not exit with 143 on SIGTERM, we drain
        // and exit 0 ourselves.
        Signal.handle(new Signal("TERM"), s -> running.drain());
        Signal.handle(new Signal("INT"), s -> running.drain());
        running.log().info(Sidecar.LOGGER, "listening on " + config.listen() + " (" + running.transport().name()
                + ") -> " + config.upstream() + ", " + config.egress().size() + " egress routes, admin "
                + config.admin() + ", listening " + (System.nanoTime() - mainEntered) / 1_000_000 + " ms after main()",
                "admin_shutdown", config.adminShutdown().wireName(), "transport", running.transport().name(),
                "transport_why", running.transport().why());
        running.awaitStopped();
        System.exit(0);
    }

    /** The postStart hook of classic mode: 0 once the admin port answers /healthz with 200, else 1 (2: bad flags). */
    private static int await(AwaitCommand await) throws InterruptedException {
        HostPort admin;
        Duration timeout;
        try {
            admin = await.adminAddress();
            timeout = await.timeoutDuration();
        } catch (IllegalArgumentException e) {
            System.err.println("udsproxy-sidecar await: " + e.getMessage());
            return EXIT_BAD_SETTING;
        }
        String failure = HealthzAwait.await(admin, timeout);
        if (failure == null) {
            return 0;
        }
        System.err.println("udsproxy-sidecar await: no 200 from http://" + admin + AdminPaths.HEALTHZ + " within " + timeout
                .toString().substring(2).toLowerCase() + " (last: " + failure + ")");
        return EXIT_CANNOT_START;
    }
}
