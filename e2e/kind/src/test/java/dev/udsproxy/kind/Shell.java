package dev.udsproxy.kind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one bash command line, as a user would type it, in the repository root with the tier's
 * environment ({@link ClusterEnvironment}). Output goes to a file, not a pipe, so a chatty command
 * never blocks on a full pipe buffer.
 */
final class Shell {

    record Result(String command, int exitCode, String output) {

        Result requireSuccess() {
            if (exitCode != 0) {
                throw new AssertionError("command failed (exit " + exitCode + "): " + command + "\n" + output);
            }
            return this;
        }
    }

    private final Path workDir;
    private final Map<String, String> env;

    Shell(Path workDir, Map<String, String> env) {
        this.workDir = workDir;
        this.env = Map.copyOf(env);
    }

    Shell withEnv(Map<String, String> extra) {
        Map<String, String> merged = new HashMap<>(env);
        merged.putAll(extra);
        return new Shell(workDir, merged);
    }

    Result run(String command, Duration timeout) {
        try {
            Path out = Files.createTempFile("udsproxy-kind", ".out");
            try {
                ProcessBuilder builder = new ProcessBuilder("bash", "-o", "pipefail", "-c", command)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                builder.environment().putAll(env);
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                    return new Result(command, 124, Files.readString(out, StandardCharsets.UTF_8)
                            + "\n[timed out after " + timeout.toSeconds() + " s]");
                }
                return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run: " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + command, e);
        }
    }

    /** Runs and requires exit 0; returns the output. */
    String ok(String command, Duration timeout) {
        return run(command, timeout).requireSuccess().output();
    }

    String ok(String command) {
        return ok(command, Duration.ofMinutes(3));
    }
}
