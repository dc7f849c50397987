package dev.udsproxy.cli;

import dev.udsproxy.cli.check.CheckCommand;
import dev.udsproxy.cli.inject.InjectCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code udsproxy}: the commands; each subcommand returns its exit code. */
@Command(name = "udsproxy", mixinStandardHelpOptions = true, versionProvider = Udsproxy.Version.class,
        description = "Injects the udsproxy sidecar into manifests as the webhook would, and checks an installation.",
        subcommands = {InjectCommand.class, CheckCommand.class, CommandLine.HelpCommand.class})
public final class Udsproxy {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** The exit code of {@code udsproxy args}; picocli prints usage errors (exit 2) with the option's name. */
    public static int run(String... args) {
        return new CommandLine(new Udsproxy()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Udsproxy.class.getPackage().getImplementationVersion();
            return new String[] {"udsproxy " + (version == null ? "(development build)" : version)};
        }
    }
}
