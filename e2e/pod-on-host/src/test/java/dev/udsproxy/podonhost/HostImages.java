package dev.udsproxy.podonhost;

import io.fabric8.kubernetes.api.model.Container;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * What the container images bring, taken from the images themselves: the sidecar image's tar as images/build.sh
 * writes it ({@link BuiltImages}). The files of its own layers (the jar, jvm.options, lib/ with Netty's native
 * libraries, aot.options) are extracted into a host folder, fresh for each Pod so a rebuild cannot swap the jar
 * under a running process, and its ENTRYPOINT and ENV run with that folder and this JVM in place of the base
 * image's /opt/java/openjdk. Like the image, it puts nothing of ours on PATH. The examples' images
 * (udsproxy/example-LANG) are mapped by {@link ExampleImage}, each next to the sidecar's folder.
 */
record HostImages(Path imageDir, Path javaHome, List<String> sidecarEntrypoint, String destination,
        Map<String, String> ownEnv, Path repo, Map<String, ExampleImage> examples) {
    /** Where the base images keep Java (images/README.md); the temurin images also set JAVA_HOME to it. */
    static final String BASE_JAVA_HOME = "/opt/java/openjdk";

    static HostImages of(Path repo, Path imageDir) throws IOException {
        ImageArchive image = BuiltImages.archive(repo, "sidecar");
        Path root = imageDir.resolveSibling(imageDir.getFileName() + "-rootfs");
        List<String> files = image.extractOwnLayers(root);
        // The one folder the image's own files are in (/opt/udsproxy/): it becomes imageDir.
        String destination = commonFolder(files);
        if (!image.entrypoint().isEmpty() && !image.entrypoint().stream().anyMatch(a -> a.contains(destination))) {
            throw new IllegalStateException(image.tar() + ": the ENTRYPOINT " + image.entrypoint() + " names nothing in "
                    + destination + ", the only folder this test maps to the host");
        }
        Files.createDirectories(imageDir.getParent());
        Files.move(root.resolve(destination.substring(1)), imageDir);
        Path javaHome = Path.of(System.getProperty("java.home"));
        // jvm.options names image paths (java.library.path): the host copy names the host copies.
        Path options = imageDir.resolve("jvm.options");
        if (Files.exists(options)) {
            Files.writeString(options, Files.readString(options).replace(destination, imageDir + "/"));
        }
        // The AOT cache was recorded by the base's java, not by this JVM, which would refuse it.
        Path aot = imageDir.resolve("aot.options");
        if (Files.exists(aot)) {
            Files.writeString(aot, "# no AOT cache on the host copy of the image (recorded for the image's java)\n");
        }
        // The image's own ENV; the base's (PATH, JAVA_HOME) is replaced by this JVM's in imageEnv().
        Map<String, String> env = new LinkedHashMap<>(image.env());
        env.keySet().removeAll(List.of("PATH", "JAVA_HOME", "LANG"));
        List<String> argv = image.entrypoint().stream()
                .map(a -> a.replace(destination, imageDir + "/").replace(BASE_JAVA_HOME, javaHome.toString()))
                .toList();
        return new HostImages(imageDir, javaHome, argv, destination, Map.copyOf(env), repo,
                new ConcurrentHashMap<>());
    }

    /** The deepest folder (with a trailing /) that holds every file of the list. */
    static String commonFolder(List<String> files) {
        if (files.isEmpty()) {
            throw new IllegalStateException("the image's own layers hold no file");
        }
        String common = files.get(0).substring(0, files.get(0).lastIndexOf('/') + 1);
        for (String f : files) {
            while (!f.startsWith(common)) {
                common = common.substring(0, common.lastIndexOf('/', common.length() - 2) + 1);
            }
        }
        return common;
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
                    + BASE_JAVA_HOME + " and " + destination + " (images/pom.xml, no shell in the"
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

    /** The container's image's own env, under the spec's: an example's from its image, else {@link #imageEnv()}. */
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
        env.putAll(ownEnv);
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
