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
import javax.tools.ToolProvider;

/**
 * An example app's image (udsproxy/example-LANG, images/example-LANG/Containerfile) on the host: each COPY
 * destination a host folder with what images/build.sh puts into the build context, the base image's Java at
 * /opt/java/openjdk the test JVM's, and the image's root filesystem the host binaries build.sh copies. A
 * container of this image runs only what the image has: a program outside it is an error, as in the Pod.
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
        Containerfile file = Containerfile.parse(containerfile(repo, component));
        Map<String, Path> paths = new LinkedHashMap<>();
        Map<String, String> env = new LinkedHashMap<>();
        if (file.from().equals("${BASE}")) {
            // The JRE base (images/base/Containerfile, or eclipse-temurin): Java at /opt/java/openjdk, its ENV.
            paths.put(HostImages.BASE_JAVA_HOME, javaHome);
            env.putAll(Containerfile.parse(repo.resolve("images/base/Containerfile")).env());
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
        String imagePath = env.getOrDefault("PATH", "");
        ExampleImage image = new ExampleImage(component, paths, Map.of(), List.of(), imagePath);
        // The image's PATH names image folders: the process sees their host copies.
        env.replaceAll((key, value) -> key.equals("PATH") ? List.of(value.split(":")).stream().map(image::toHost)
                .collect(Collectors.joining(":")) : value);
        if (file.entrypoint().isEmpty()) {
            throw new IllegalStateException(file.file() + " has no ENTRYPOINT");
        }
        return new ExampleImage(component, paths, Map.copyOf(env), file.entrypoint(), imagePath);
    }

    /**
     * images/example-LANG/Containerfile for the images images/build.sh makes; else the Containerfile in the example's
     * own folder (examples/NAME/Containerfile for udsproxy/example-NAME), whose build context is that folder.
     */
    private static Path containerfile(Path repo, String component) {
        Path built = repo.resolve("images").resolve(component).resolve("Containerfile");
        return Files.exists(built) ? built : exampleFolder(repo, component).resolve("Containerfile");
    }

    private static Path exampleFolder(Path repo, String component) {
        return repo.resolve("examples").resolve(component.substring("example-".length()));
    }

    /**
     * What images/build.sh puts into the build context under each name the Containerfile copies. Mirrors
     * build.sh: Example.java compiled for Java 21 into classes/, server.js as it is, and a rootfs/ whose only
     * program is the host's node at /usr/bin/node (with its libraries, which the host has where ldd found them).
     */
    private static void copyInto(Path repo, Containerfile file, String component, String source, String destination,
            Path hostDir, Map<String, Path> paths) throws IOException {
        String key = component + ":" + source;
        if (key.equals("example-node:rootfs/") && destination.equals("/")) {
            Path node = hostProgram("node").toRealPath();
            paths.put("/usr/bin/node", node);
            return;
        }
        Path target = Files.createDirectories(hostDir.resolve(destination.substring(1)));
        paths.put(destination.endsWith("/") ? destination.substring(0, destination.length() - 1) : destination, target);
        switch (key) {
            case "example-java:classes/" -> {
                // build.sh's flags; the class path named, or the compiler would take the test JVM's, whose missing
                // target/classes (a module of tests only) warns, and -Werror makes that fatal.
                int exit = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "21", "-Xlint:all",
                        "-Werror", "-classpath", target.toString(), "-d", target.toString(),
                        repo.resolve("examples/java/Example.java").toString());
                if (exit != 0) {
                    throw new IllegalStateException("javac of examples/java/Example.java failed (" + exit + ")");
                }
            }
            case "example-node:server.js" -> Files.copy(repo.resolve("examples/node/server.js"),
                    target.resolve("server.js"), StandardCopyOption.REPLACE_EXISTING);
            default -> {
                Path folder = exampleFolder(repo, component);
                if (!file.file().startsWith(folder)) {
                    throw new IllegalStateException(file.file() + " copies " + source + " to " + destination
                            + ", which this test does not know how to build (see images/build.sh)");
                }
                // The example's own Containerfile: the context is its folder, as `podman build examples/NAME` has it
                // (after the example's own build, which made what it copies).
                copyTree(folder.resolve(source), target, file);
            }
        }
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

    private static Path hostProgram(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, program);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(program + " is not on the host's PATH: images/build.sh copies it from there");
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
