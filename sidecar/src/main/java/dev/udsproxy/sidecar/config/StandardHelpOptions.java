package dev.udsproxy.sidecar.config;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code -h, --help} and {@code -V, --version}, as picocli's {@code mixinStandardHelpOptions(true)} declares them,
 * built in code. The mixin is an annotated class that picocli reads by reflection (annotation proxies, method
 * handles): on the sidecar's start path that was 92 of the main thread's 580 wall-clock samples before listening
 * (async-profiler, AOT cache on; picocli's classes, compiled for Java 5, cannot go into the AOT cache either).
 * Same names, same descriptions, same place at the top of the usage message.
 */
final class StandardHelpOptions {
    private StandardHelpOptions() {
    }

    static void addTo(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-h", "--help").type(boolean.class).usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").type(boolean.class).versionHelp(true)
                .description("Print version information and exit.").build());
    }
}
