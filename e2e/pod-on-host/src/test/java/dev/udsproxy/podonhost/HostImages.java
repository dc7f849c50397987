package dev.udsproxy.podonhost;

import io.fabric8.kubernetes.api.model.Container;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What the container images would bring, taken from the host instead. The sidecar image: the
 * launcher, the jar and jvm.options in one folder (the layout bin/udsproxy-sidecar supports for
 * images), copied so that a rebuild of sidecar/ during the test cannot swap the jar under a
 * running process; the launcher is on PATH under its own name. The JDK image's {@code java} is
 * this JVM's, also on PATH.
 */
record HostImages(Path sidecarBin, Path javaHome) {
    static final String SIDECAR_LAUNCHER = "udsproxy-sidecar";

    static HostImages of(Path repo, Path imageDir) throws IOException {
        Path launcher = repo.resolve("sidecar/bin").resolve(SIDECAR_LAUNCHER);
        Path jar = repo.resolve("sidecar/target/udsproxy-sidecar.jar");
        Path options = repo.resolve("sidecar/src/main/jvm/jvm.options");
        for (Path needed : List.of(launcher, jar, options)) {
            if (!Files.isRegularFile(needed)) {
                throw new IllegalStateException("the sidecar is not built: " + needed
                        + " is missing (./mvnw -pl sidecar package)");
            }
        }
        Files.createDirectories(imageDir);
        // Not the AOT cache (bin/make-aot-cache): it is bound to the path of the jar it was made with, and
        // the JVM refuses it next to a copy; the sidecar runs the same without it, only starts slower.
        for (Path file : List.of(launcher, jar, options)) {
            Files.copy(file, imageDir.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
        return new HostImages(imageDir, Path.of(System.getProperty("java.home")));
    }

    /**
     * The process to start: the container's command and args with {@code toHost} applied, or the image's
     * entrypoint (a host path already) when it has no command.
     */
    List<String> argv(Container container, UnaryOperator<String> toHost) {
        List<String> argv = new ArrayList<>();
        if (container.getCommand() == null || container.getCommand().isEmpty()) {
            if (!isSidecar(container)) {
                throw new IllegalArgumentException("container " + container.getName() + " (image "
                        + container.getImage() + ") has no command and no known entrypoint");
            }
            argv.add(sidecarBin.resolve(SIDECAR_LAUNCHER).toString());
        } else {
            container.getCommand().stream().map(toHost).forEach(argv::add);
        }
        if (container.getArgs() != null) {
            container.getArgs().stream().map(toHost).forEach(argv::add);
        }
        return argv;
    }

    /**
     * The program looked up on the image's PATH, as the container runtime does; ProcessBuilder would
     * search the test JVM's PATH instead. So {@code java} is this JVM's and {@code udsproxy-sidecar} the launcher.
     */
    List<String> onPath(List<String> argv) {
        String program = argv.get(0);
        if (program.contains("/")) {
            return argv;
        }
        for (String dir : imageEnv().get("PATH").split(":")) {
            Path candidate = Path.of(dir, program);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                List<String> resolved = new ArrayList<>(argv);
                resolved.set(0, candidate.toString());
                return resolved;
            }
        }
        throw new IllegalArgumentException(program + " is not on the image's PATH " + imageEnv().get("PATH"));
    }

    /** The image's own env, under the spec's: PATH (with the launcher on it) and the JVM's home. */
    Map<String, String> imageEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", sidecarBin + ":" + javaHome.resolve("bin") + ":" + System.getenv().getOrDefault("PATH",
                "/usr/local/bin:/usr/bin:/bin"));
        env.put("JAVA_HOME", javaHome.toString());
        return env;
    }

    static boolean isSidecar(Container container) {
        return container.getName().equals("udsproxy");
    }
}
