package dev.udsproxy.podonhost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An example app's image (udsproxy/example-LANG) on the host. The two images/build.sh makes (example-java,
 * example-node) come from their tars: the files of their own layers extracted into a host folder. The others from
 * the example's own Containerfile (examples/NAME/Containerfile): each COPY destination a host folder with what its
 * build context holds. The base image's Java at /opt/java/openjdk is the test JVM's. A container of this image
 * runs only what the image has: a program outside it is an error, as in the Pod.
 */
final class ExampleImage {
    /** The images the examples' Deployments name, as the kubelet resolves them after `kind load`. */
    private static final Pattern REFERENCE = Pattern.compile("(?:docker\\.io/)?udsproxy/(example-[a-z]+(?:-[a-z]+)*):[\\w.-]+");

    private final String name;
    /** Image path → host path: folders (COPY destinations, the base's Java) and single files (rootfs/). */
    private final Map<String, Path> paths;
    private final Map<String, String> env;
    private final List<String> entrypoint;
    /** The image's own PATH, in image paths: where a bare program name is looked up. */
    private final String imagePath;

    private ExampleImage(String name, Map<String, Path> paths, Map<String, String> env, List<String> entrypoint,
            String imagePath) {
        this.name = name;
        this.paths = paths;
        this.env = env;
        this.entrypoint = entrypoint;
        this.imagePath = imagePath;
    }

    /** The component name (example-java) when {@code image} is one of the examples' images, else null. */
    static String component(String image) {
        Matcher m = REFERENCE.matcher(image == null ? "" : image);
        return m.matches() ? m.group(1) : null;
    }

    static ExampleImage of(Path repo, String component, Path hostDir, Path javaHome) throws IOException {
        if (BuiltImages.COMPONENTS.contains(component)) {
            return fromArchive(BuiltImages.archive(repo, component), component, hostDir, javaHome);
        }
        Containerfile file = Containerfile.parse(exampleFolder(repo, component).resolve("Containerfile"));
        Map<String, Path> paths = new LinkedHashMap<>();
        Map<String, String> env = new LinkedHashMap<>();
        if (file.from().equals("${BASE}")) {
            // A JRE base (eclipse-temurin, or the local one): Java at /opt/java/openjdk, the base's ENV, which the
            // Java example's image (built on the local base) carries as it is.
            paths.put(HostImages.BASE_JAVA_HOME, javaHome);
            env.putAll(BuiltImages.archive(repo, "example-java").env());
        } else if (!file.from().equals("scratch")) {
            throw new IllegalStateException(file.file() + ": FROM " + file.from() + " is neither ${BASE} nor scratch,"
                    + " the only bases this test maps to the host");
        }
        for (Containerfile.Copy copy : file.copies()) {
            for (String source : copy.sources()) {
                copyInto(repo, file, component, source, copy.destination(), hostDir, paths);
            }
        }
        env.putAll(file.env());
        if (file.entrypoint().isEmpty()) {
            throw new IllegalStateException(file.file() + " has no ENTRYPOINT");
        }
        return withHostPath(component, paths, env, file.entrypoint());
    }

    /**
     * An image images/build.sh made: the files of its own layers extracted below {@code hostDir}, each top folder
     * of them mapped to its copy; on a JRE base (layers of Jib's), the base's Java at /opt/java/openjdk is this JVM.
     */
    private static ExampleImage fromArchive(ImageArchive image, String component, Path hostDir, Path javaHome)
            throws IOException {
        Map<String, Path> paths = new LinkedHashMap<>();
        if (image.env().containsKey("JAVA_HOME")) {
            paths.put(HostImages.BASE_JAVA_HOME, javaHome);
        }
        for (String file : image.extractOwnLayers(hostDir)) {
            String top = file.substring(0, file.indexOf('/', 1) < 0 ? file.length() : file.indexOf('/', 1));
            paths.putIfAbsent(top, hostDir.resolve(top.substring(1)));
        }
        if (image.entrypoint().isEmpty()) {
            throw new IllegalStateException(image.tar() + " has no ENTRYPOINT");
        }
        return withHostPath(component, paths, new LinkedHashMap<>(image.env()), image.entrypoint());
    }

    /** The image with its PATH, which names image folders, moved to their host copies for the process. */
    private static ExampleImage withHostPath(String component, Map<String, Path> paths, Map<String, String> env,
            List<String> entrypoint) {
        String imagePath = env.getOrDefault("PATH", "");
        ExampleImage image = new ExampleImage(component, paths, Map.of(), List.of(), imagePath);
        env.replaceAll((key, value) -> key.equals("PATH") ? List.of(value.split(":")).stream().map(image::toHost)
                .collect(Collectors.joining(":")) : value);
        return new ExampleImage(component, paths, Map.copyOf(env), entrypoint, imagePath);
    }

    private static Path exampleFolder(Path repo, String component) {
        return repo.resolve("examples").resolve(component.substring("example-".length()));
    }

    /**
     * A COPY of an example's own Containerfile (examples/NAME/Containerfile): the context is its folder, as `podman
     * build examples/NAME` has it (after the example's own build, which made what it copies).
     */
    private static void copyInto(Path repo, Containerfile file, String component, String source, String destination,
            Path hostDir, Map<String, Path> paths) throws IOException {
        Path target = Files.createDirectories(hostDir.resolve(destination.substring(1)));
        paths.put(destination.endsWith("/") ? destination.substring(0, destination.length() - 1) : destination, target);
        copyTree(exampleFolder(repo, component).resolve(source), target, file);
    }

    /** COPY of one context path into a folder: a file by its name, a folder's content as it is. */
    private static void copyTree(Path source, Path target, Containerfile file) throws IOException {
        if (!Files.exists(source)) {
            throw new IllegalStateException(file.file() + " copies " + source + ", which is missing: build the"
                    + " example first (ExampleBuild)");
        }
        if (Files.isRegularFile(source)) {
            Files.copy(source, target.resolve(source.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        try (var walk = Files.walk(source)) {
            for (Path from : walk.toList()) {
                Path to = target.resolve(source.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    String name() {
        return name;
    }

    Map<String, String> env() {
        return env;
    }

    /** The ENTRYPOINT as the image has it (image paths). */
    List<String> entrypoint() {
        return entrypoint;
    }

    /** Whether the image holds this path: one of its files, or below one of its folders. */
    private boolean inImage(String path) {
        return paths.keySet().stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"));
    }

    /** An argument with an image path (the whole path or a folder of it) replaced by its host copy. */
    String toHost(String argument) {
        for (String inImage : paths.keySet().stream().sorted(Comparator.comparingInt(String::length).reversed())
                .toList()) {
            if (argument.equals(inImage) || argument.startsWith(inImage + "/")) {
                return paths.get(inImage) + argument.substring(inImage.length());
            }
        }
        return argument;
    }

    /**
     * The command with its program found as the container runtime finds it: an absolute path must be in the
     * image, a bare name on the image's PATH; every image path moved to the host.
     *
     * @throws HostImages.NotInImageException when the image has no such program
     */
    List<String> command(List<String> command) {
        List<String> argv = new ArrayList<>(command.stream().map(this::toHost).toList());
        String program = command.get(0);
        List<String> candidates = program.contains("/") ? List.of(program)
                : List.of(imagePath.split(":")).stream().filter(d -> !d.isEmpty()).map(d -> d + "/" + program)
                        .toList();
        for (String candidate : candidates) {
            if (inImage(candidate) && Files.isExecutable(Path.of(toHost(candidate)))) {
                argv.set(0, toHost(candidate));
                return argv;
            }
        }
        throw new HostImages.NotInImageException(program + " is not in the image " + name + " (looked for "
                + candidates + "; it holds " + paths.keySet() + ")");
    }
}
