package dev.udsproxy.podonhost;

import io.fabric8.kubernetes.api.model.Container;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the container images would bring, taken from the host instead: the sidecar image's
 * entrypoint is the launcher {@code sidecar/bin/udsproxy-sidecar} (same jar, same jvm.options),
 * on PATH under its own name as in the image; the JDK image's {@code java} is this JVM's.
 */
record HostImages(Path sidecarBin, Path javaHome) {
    static final String SIDECAR_LAUNCHER = "udsproxy-sidecar";

    static HostImages of(Path repo) {
        Path bin = repo.resolve("sidecar/bin");
        Path jar = repo.resolve("sidecar/target/udsproxy-sidecar.jar");
        if (!Files.isExecutable(bin.resolve(SIDECAR_LAUNCHER)) || !Files.isRegularFile(jar)) {
            throw new IllegalStateException("the sidecar is not built: need " + bin.resolve(SIDECAR_LAUNCHER)
                    + " and " + jar + " (./mvnw -pl sidecar package)");
        }
        return new HostImages(bin, Path.of(System.getProperty("java.home")));
    }

    /** The process to start: the container's command and args, or the image's entrypoint when it has none. */
    List<String> argv(Container container) {
        List<String> argv = new ArrayList<>();
        if (container.getCommand() == null || container.getCommand().isEmpty()) {
            if (!isSidecar(container)) {
                throw new IllegalArgumentException("container " + container.getName() + " (image "
                        + container.getImage() + ") has no command and no known entrypoint");
            }
            argv.add(sidecarBin.resolve(SIDECAR_LAUNCHER).toString());
        } else {
            argv.addAll(container.getCommand());
        }
        if (container.getArgs() != null) {
            argv.addAll(container.getArgs());
        }
        if (argv.get(0).equals("java")) {
            argv.set(0, javaHome.resolve("bin/java").toString());
        }
        return argv;
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
