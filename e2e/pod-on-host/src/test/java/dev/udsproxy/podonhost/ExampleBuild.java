package dev.udsproxy.podonhost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The build an example of a framework stack needs before its Containerfile can copy anything: the example's own
 * Maven project, built with the project's ./mvnw from Maven Central, as its user would build it. Those examples are
 * projects of their own (Spring Boot's parent, Quarkus's BOM), not modules of this reactor, so the project's build
 * does not grow by their downloads; ~/.m2 keeps the downloads. Built again only when a file of the example changed
 * since the last good build (a stamp in target/: Quarkus's build step re-runs its augmentation, ~20-40 s, even on
 * unchanged sources). Once per test JVM per example.
 */
final class ExampleBuild {
    private static final Set<String> BUILT = ConcurrentHashMap.newKeySet();
    /** A cold build downloads the framework (tens of MB); ten minutes covers a slow mirror. */
    private static final long TIMEOUT_MINUTES = 10;

    private ExampleBuild() {
    }

    /** Builds examples/NAME (its pom.xml) unless it is up to date. */
    static synchronized void build(Path repo, String name) throws IOException, InterruptedException {
        if (BUILT.contains(name)) {
            return;
        }
        Path folder = repo.resolve("examples").resolve(name);
        Path stamp = folder.resolve("target/.udsproxy-test-build");
        if (upToDate(folder, stamp)) {
            BUILT.add(name);
            return;
        }
        List<String> command = new ArrayList<>();
        if (Files.exists(folder.resolve("pom.xml"))) {
            // The project's Maven (wrapper) and JDK; -q: only errors in the log. Tests of the example are ours.
            command.addAll(List.of(repo.resolve("mvnw").toString(), "-B", "-ntp", "-q", "-f",
                    folder.resolve("pom.xml").toString(), "package", "-DskipTests"));
        } else {
            throw new IllegalStateException(folder + " has no pom.xml: the only kind of example build this knows");
        }
        Path log = Files.createTempFile("example-build-" + name, ".log");
        long started = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the build of examples/" + name + " took over " + TIMEOUT_MINUTES + " min: "
                    + String.join(" ", command) + "\n" + Files.readString(log));
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("the build of examples/" + name + " failed (" + process.exitValue() + "): "
                    + String.join(" ", command) + "\n" + Files.readString(log));
        }
        System.err.printf("examples/%s built in %d s (%s)%n", name,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), String.join(" ", command));
        Files.delete(log);
        Files.createDirectories(stamp.getParent());
        Files.writeString(stamp, String.join(" ", command) + "\n");
        BUILT.add(name);
    }

    /** The stamp of the last good build is newer than every file of the example outside its build outputs. */
    private static boolean upToDate(Path folder, Path stamp) throws IOException {
        if (!Files.exists(stamp)) {
            return false;
        }
        var built = Files.getLastModifiedTime(stamp);
        try (var files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> !f.startsWith(folder.resolve("target")) )
                    .allMatch(f -> {
                        try {
                            return Files.getLastModifiedTime(f).compareTo(built) < 0;
                        } catch (IOException e) {
                            return false;
                        }
                    });
        }
    }
}
