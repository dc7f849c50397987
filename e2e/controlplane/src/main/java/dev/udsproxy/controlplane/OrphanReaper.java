package dev.udsproxy.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A tiny shell loop that outlives a JVM killed with SIGKILL (e.g. by a test timeout), which runs
 * neither shutdown hooks nor JUnit callbacks: when the JVM is gone it kills every process that left a
 * pid file in the work folder and deletes the folder. A normal close stops the reaper first.
 */
final class OrphanReaper {

    private static final String SCRIPT = """
            while kill -0 "$1" 2>/dev/null; do sleep 1; done
            for f in "$2"/*.pid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done
            rm -rf "$2"
            """;

    private final Process process;

    private OrphanReaper(Process process) {
        this.process = process;
    }

    static OrphanReaper watch(Path workDir) {
        try {
            Process process = new ProcessBuilder(List.of("sh", "-c", SCRIPT, "udsproxy-reaper",
                    Long.toString(ProcessHandle.current().pid()), workDir.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return new OrphanReaper(process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the orphan reaper (sh)", e);
        }
    }

    void stop() {
        process.destroyForcibly();
    }
}
