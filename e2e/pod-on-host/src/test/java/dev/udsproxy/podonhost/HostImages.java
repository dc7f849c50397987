package dev.udsproxy.podonhost;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the container images bring, taken from the host. The sidecar image is read from
 * images/sidecar/Containerfile: its COPY destination becomes a folder holding the same jar and
 * jvm.options (copies, so a rebuild of sidecar/ cannot swap the jar under a running process), and
 * its ENTRYPOINT runs with that folder and this JVM in place of the base image's
 * /opt/java/openjdk. Like the image, it puts nothing of ours on PATH. The examples' images
 * (udsproxy/example-LANG) are mapped by {@link ExampleImage}, each next to the sidecar's folder.
 */
record HostImages(Path imageDir, Path javaHome, List<String> sidecarEntrypoint, String destination,
        Map<String, String> containerfileEnv, Path repo, Map<String, ExampleImage> examples) {
    /** Where the base images keep Java (images/README.md); the temurin images also set JAVA_HOME to it. */
    static final String BASE_JAVA_HOME = "/opt/java/openjdk";
    private static final Pattern COPY = Pattern.compile("(?m)^COPY\\s+(.+)\\s+(\\S+/)\\s*$");
    private static final Pattern ENV = Pattern.compile("(?m)^ENV\\s+([A-Z_][A-Z0-9_]*)=(\\S+)\\s*$");
    private static final Pattern ENTRYPOINT = Pattern.compile("(?m)^ENTRYPOINT\\s+(\\[.*])\\s*$");

    static HostImages of(Path repo, Path imageDir) throws IOException {
        Path containerfile = repo.resolve("images/sidecar/Containerfile");
        String text = Files.readString(containerfile);
        Matcher copy = COPY.matcher(text);
        Matcher entrypoint = ENTRYPOINT.matcher(text);
        if (!copy.find() || !entrypoint.find()) {
            throw new IllegalStateException(containerfile + ": expected a COPY into a folder and an exec-form"
                    + " ENTRYPOINT [...]");
        }
        String destination = copy.group(2);
        Files.createDirectories(imageDir);
        copyInto(repo, containerfile, copy.group(1), imageDir);
        // Further COPYs (the unpacked native library) land below the first one's folder.
        while (copy.find()) {
            if (!copy.group(2).startsWith(destination)) {
                throw new IllegalStateException(containerfile + ": COPY to " + copy.group(2) + " is outside "
                        + destination + ", the only folder this test maps to the host");
            }
            Path target = imageDir.resolve(copy.group(2).substring(destination.length()));
            Files.createDirectories(target);
            copyInto(repo, containerfile, copy.group(1), target);
        }
        Path javaHome = Path.of(System.getProperty("java.home"));
        // jvm.options names image paths (java.library.path): the host copy names the host copies.
        Path options = imageDir.resolve("jvm.options");
        if (Files.exists(options)) {
            Files.writeString(options, Files.readString(options).replace(destination, imageDir + "/"));
        }
        Map<String, String> env = new LinkedHashMap<>();
        Matcher envLine = ENV.matcher(text);
        while (envLine.find()) {
            env.put(envLine.group(1), envLine.group(2));
        }
        List<String> argv = new ObjectMapper().readValue(entrypoint.group(1), new TypeReference<List<String>>() {
        }).stream()
                .map(a -> a.replace(destination, imageDir + "/").replace(BASE_JAVA_HOME, javaHome.toString()))
                .toList();
        return new HostImages(imageDir, javaHome, argv, destination, Map.copyOf(env), repo,
                new ConcurrentHashMap<>());
    }

    /**
     * The build context of images/build.sh: the jar from the build, the flags file, lib/ unpacked from the jar, and
     * aot.options as it is before the image's training run (a comment only: no AOT cache on this host copy).
     */
    private static void copyInto(Path repo, Path containerfile, String sources, Path target) throws IOException {
        Path jar = repo.resolve("sidecar/target/udsproxy-sidecar.jar");
        Map<String, Path> context = Map.of("udsproxy-sidecar.jar", jar,
                "jvm.options", repo.resolve("sidecar/src/main/jvm/jvm.options"), "lib/", jar, "aot.options", jar);
        for (String name : sources.trim().split("\\s+")) {
            Path source = context.get(name);
            if (source == null || !Files.isRegularFile(source)) {
                throw new IllegalStateException(containerfile + " copies " + name + ", which is "
                        + (source == null ? "not one of " + context.keySet() : "missing: " + source
                        + " (./mvnw -pl sidecar -am package)"));
            }
            if (name.equals("lib/")) {
                NativeLibs.unpack(jar, target);
            } else if (name.equals("aot.options")) {
                Files.writeString(target.resolve(name), "# no AOT cache on the host copy of the image\n");
            } else {
                Files.copy(source, target.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    /**
     * The process to start: the container's command and args with {@code toHost} applied; a container
     * without a command runs its image's entrypoint (host paths already) with its args.
     */
    List<String> argv(Container container, UnaryOperator<String> toHost) {
        ExampleImage example = example(container);
        if (example != null) {
            // The spec's paths (mounts, ports) first, then the image's own paths; the program must be in the image.
            List<String> argv = new ArrayList<>(container.getCommand() == null || container.getCommand().isEmpty()
                    ? example.entrypoint() : container.getCommand().stream().map(toHost).toList());
            if (container.getArgs() != null) {
                container.getArgs().stream().map(toHost).forEach(argv::add);
            }
            return example.command(argv);
        }
        List<String> argv = new ArrayList<>();
        if (container.getCommand() == null || container.getCommand().isEmpty()) {
            if (!isSidecar(container)) {
                throw new IllegalArgumentException("container " + container.getName() + " (image "
                        + container.getImage() + ") has no command and no known entrypoint");
            }
            argv.addAll(sidecarEntrypoint);
        } else {
            container.getCommand().stream().map(toHost).forEach(argv::add);
        }
        if (container.getArgs() != null) {
            container.getArgs().stream().map(toHost).forEach(argv::add);
        }
        return argv;
    }

    /**
     * An exec in the sidecar's container (its postStart hook): the image's paths become their host copies. A
     * program named by an absolute path must be one the image has, as in the container; the host's /bin/bash
     * would otherwise stand in for a shell the image lacks.
     *
     * @throws NotInImageException when the image has no such program
     */
    List<String> inSidecarImage(List<String> command) {
        String program = command.get(0);
        boolean inImage = program.startsWith(BASE_JAVA_HOME + "/") || program.startsWith(destination)
                // already moved to the host copies, as sidecarEntrypoint() is
                || program.startsWith(javaHome + "/") || program.startsWith(imageDir + "/");
        if (program.startsWith("/") && !inImage) {
            throw new NotInImageException(program + " is not in the sidecar image, which holds only "
                    + BASE_JAVA_HOME + " and " + destination + " (images/sidecar/Containerfile, no shell in the"
                    + " local base)");
        }
        return command.stream()
                .map(a -> a.replace(destination, imageDir + "/").replace(BASE_JAVA_HOME, javaHome.toString()))
                .toList();
    }

    /**
     * The program looked up on the image's PATH, as the container runtime does; ProcessBuilder would
     * search the test JVM's PATH instead.
     *
     * @throws NotInImageException when the image has no such program
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
        throw new NotInImageException(program + " is not on the image's PATH " + imageEnv().get("PATH"));
    }

    /** The container's image's own env, under the spec's: an example's from its Containerfile, else {@link #imageEnv()}. */
    Map<String, String> imageEnv(Container container) {
        ExampleImage example = example(container);
        return example == null ? imageEnv() : example.env();
    }

    /** The example image the container runs, prepared on first use; null for any other image. */
    ExampleImage example(Container container) {
        String component = ExampleImage.component(container.getImage());
        if (component == null || isSidecar(container)) {
            return null;
        }
        return examples.computeIfAbsent(component, c -> {
            try {
                return ExampleImage.of(repo, c, imageDir.resolveSibling(imageDir.getFileName() + "-" + c), javaHome);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot map the image " + c + " to the host", e);
            }
        });
    }

    /** The sidecar's image env, under the spec's: Java first on PATH, then the host's tools; JAVA_HOME. */
    Map<String, String> imageEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", javaHome.resolve("bin") + ":" + System.getenv().getOrDefault("PATH",
                "/usr/local/bin:/usr/bin:/bin"));
        env.put("JAVA_HOME", javaHome.toString());
        env.putAll(containerfileEnv);
        return env;
    }

    static boolean isSidecar(Container container) {
        return container.getName().equals("udsproxy");
    }

    /** A command the spec runs that the image does not have: the kubelet would report it as such. */
    static final class NotInImageException extends IllegalArgumentException {
        NotInImageException(String message) {
            super(message);
        }
    }
}
