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
 * project, built with its own tool from the registry (Maven Central through ./mvnw, the npm registry through npm),
 * as its user would build it. Those examples are projects of their own (Spring Boot's parent, Quarkus's BOM), not
 * modules of this reactor, so the project's build does not grow by their downloads; the tool's caches (~/.m2,
 * ~/.npm) and the example's own target/ make a second build quick. Once per test JVM per example.
 */
final class ExampleBuild {
    private static final Set<String> BUILT = ConcurrentHashMap.newKeySet();
    /** A cold build downloads the framework (tens of MB); ten minutes covers a slow mirror. */
    private static final long TIMEOUT_MINUTES = 10;

    private ExampleBuild() {
    }

    /** Builds examples/NAME with what its folder says it is (pom.xml: Maven; package.json: npm). */
    static synchronized void build(Path repo, String name) throws IOException, InterruptedException {
        if (BUILT.contains(name)) {
            return;
        }
        Path folder = repo.resolve("examples").resolve(name);
        List<String> command = new ArrayList<>();
        if (Files.exists(folder.resolve("pom.xml"))) {
            // The project's Maven (wrapper) and JDK; -q: only errors in the log. Tests of the example are ours.
            command.addAll(List.of(repo.resolve("mvnw").toString(), "-B", "-ntp", "-q", "-f",
                    folder.resolve("pom.xml").toString(), "package", "-DskipTests"));
        } else if (Files.exists(folder.resolve("package-lock.json"))) {
            PodChecks.skipIf(!PodChecks.onPath("npm"), "npm is not on PATH: examples/" + name + " cannot be built");
            // Exactly the locked versions, no scripts of the packages, no audit round trip.
            command.addAll(List.of("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--omit=dev"));
        } else {
            throw new IllegalStateException(folder + " has neither pom.xml nor package-lock.json");
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
        BUILT.add(name);
    }
}
