package dev.udsproxy.podonhost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The images this tier maps to the host, built by the README's own images/build.sh (once per test JVM, and again
 * only when a tar is older than what goes into it), so that a host Pod runs the files the image really holds. The
 * build also loads them into podman where podman exists (ComposeRunIT runs them there).
 */
final class BuiltImages {
    /** The images the tier's Pods run: the sidecar and the two examples whose images build.sh makes. */
    static final List<String> COMPONENTS = List.of("sidecar", "example-java", "example-node");
    private static final Map<String, ImageArchive> ARCHIVES = new ConcurrentHashMap<>();
    private static volatile boolean built;

    private BuiltImages() {
    }

    /** The image of {@code component}, one of {@link #COMPONENTS}. */
    static ImageArchive archive(Path repo, String component) {
        if (!COMPONENTS.contains(component)) {
            throw new IllegalArgumentException(component + " is not one of the images built here: " + COMPONENTS);
        }
        ensureBuilt(repo);
        return ARCHIVES.computeIfAbsent(component, c -> {
            try {
                return ImageArchive.read(tar(repo, c));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    static Path tar(Path repo, String component) {
        return repo.resolve("target/images/udsproxy-" + component + "-" + version(repo) + ".tar");
    }

    /** The project version, the images' tag: Maven passes it (udsproxy-project-version, the root pom's surefire config). */
    static String version(Path repo) {
        String version = System.getProperty("udsproxy-project-version");
        if (version == null || version.isBlank()) {
            throw new IllegalStateException("the system property udsproxy-project-version is not set: run the tests through"
                    + " Maven (the root pom passes the project version), or set -Dudsproxy-project-version; repo " + repo);
        }
        return version;
    }

    private static synchronized void ensureBuilt(Path repo) {
        if (built) {
            return;
        }
        List<Path> inputs = List.of(repo.resolve("sidecar/target/udsproxy-sidecar.jar"),
                repo.resolve("sidecar/src/main/jvm/jvm.options"), repo.resolve("examples/java/Example.java"),
                repo.resolve("examples/node/server.js"), repo.resolve("images/pom.xml"), repo.resolve("images/build.sh"));
        List<String> stale = new ArrayList<>();
        for (String c : COMPONENTS) {
            if (!Files.isRegularFile(tar(repo, c)) || inputs.stream().anyMatch(in -> newer(in, tar(repo, c)))) {
                stale.add(c);
            }
        }
        if (!stale.isEmpty()) {
            build(repo, stale);
        }
        built = true;
    }

    private static boolean newer(Path input, Path tar) {
        try {
            FileTime in = Files.getLastModifiedTime(input);
            return in.compareTo(Files.getLastModifiedTime(tar)) > 0;
        } catch (IOException e) {
            return true;
        }
    }

    private static void build(Path repo, List<String> components) {
        List<String> command = new ArrayList<>(List.of("bash", repo.resolve("images/build.sh").toString()));
        command.addAll(components);
        System.out.println("pod-on-host: building the images " + components + " with images/build.sh (the tars are"
                + " missing or older than their inputs)");
        try {
            Path log = Files.createTempFile("udsproxy-images-", ".log");
            Process p = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(20, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("images/build.sh " + components + " took over 20 minutes; its log: " + log);
            }
            String output = Files.readString(log);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("images/build.sh " + components + " exited " + p.exitValue() + ":\n"
                        + output);
            }
            output.lines().filter(l -> l.startsWith("images:") || l.startsWith("  image:")).forEach(System.out::println);
            Files.delete(log);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
