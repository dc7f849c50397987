package dev.udsproxy.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/** {@code udsproxy args} in this JVM, with what it printed. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Udsproxy()).setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The repository root (surefire sets udsproxy.repo). */
    public static Path repo() {
        return Path.of(System.getProperty("udsproxy.repo", "..")).toAbsolutePath().normalize();
    }
}
