package dev.udsproxy.podonhost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One container of the Pod as a host process; its output goes to a log file that failures quote. */
final class ContainerProcess {
    private final String name;
    private final Process process;
    private final Path log;

    private ContainerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts with exactly the given env, as a container gets only its image's env and the spec's. */
    static ContainerProcess start(String name, List<String> argv, Map<String, String> env, Path log)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().clear();
        builder.environment().putAll(env);
        Files.writeString(log, "$ " + String.join(" ", argv) + "\n");
        return new ContainerProcess(name, builder.start(), log);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    /**
     * Peak resident memory so far (VmHWM), in bytes: the part of a container's memory use that its
     * limit is held against and that the process itself decides.
     */
    long peakRssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmHWM in /proc/" + process.pid() + "/status");
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * What the kubelet does at the end: SIGTERM (Process.destroy on Linux), then wait. Null when the
     * process outlived the grace period; it is killed then, as the kubelet would.
     */
    Integer terminate(long graceSeconds) throws InterruptedException {
        process.destroy();
        if (process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
            return process.exitValue();
        }
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        return null;
    }

    /** For a process that ends by itself (an exec hook): its exit code, or an error naming it when it does not end. */
    int waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        if (!process.waitFor(timeout, unit)) {
            process.destroyForcibly();
            throw new AssertionError(name + " did not end within " + timeout + " " + unit + "\n" + log());
        }
        return process.exitValue();
    }

    /** A crash: SIGKILL, no chance to clean up (socket files stay behind), as when the kernel's OOM killer strikes. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** Cleanup after a test, passed or not: never leaves a process behind. */
    void stop() {
        try {
            if (process.isAlive()) {
                terminate(5);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The log so far, for assertion messages. */
    String log() {
        try {
            return "--- " + name + " (pid " + process.pid() + ") ---\n" + Files.readString(log);
        } catch (IOException e) {
            return "--- " + name + ": log unreadable: " + e;
        }
    }
}
