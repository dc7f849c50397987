package dev.udsproxy.podonhost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The framework of one stack example (examples/express, go, fastapi, nginx) installed from its registry and built,
 * as its image would be: {@code npm ci} from the committed package-lock.json (npm registry), {@code go build} (the
 * standard library only), a venv with the pinned requirements.txt (PyPI), Debian's nginx. What the registry gives is
 * cached under ~/.cache/udsproxy/examples/, keyed by the lock file and the tool's version, and reused; the sources
 * are always the repository's.
 */
enum StackBuild {
    EXPRESS("express", "node_modules"),
    GO("go", "server"),
    FASTAPI("fastapi", "venv"),
    NGINX("nginx", null);

    private static final Path CACHE = Path.of(System.getProperty("user.home"), ".cache", "udsproxy", "examples");

    final String folder;
    /** What the registry step leaves in the cache (copied into the image), or null for a stack with none. */
    private final String product;

    StackBuild(String folder, String product) {
        this.folder = folder;
        this.product = product;
    }

    static StackBuild of(String folder) {
        for (StackBuild build : values()) {
            if (build.folder.equals(folder)) {
                return build;
            }
        }
        throw new IllegalArgumentException("no stack example " + folder);
    }

    /** Why this host cannot build or run the stack, or empty when it can. */
    Optional<String> unavailable() {
        return switch (this) {
            case EXPRESS -> missing("node", "npm").map(t -> t + ": the Express example cannot be installed"
                    + " (Debian packages nodejs, npm)");
            case GO -> missing("go").map(t -> t + ": the Go example cannot be built (Go >= 1.22)");
            case FASTAPI -> python().isPresent() ? Optional.empty() : Optional.of("no python3 with venv that other"
                    + " users may run (/usr/bin/python3; Debian packages python3, python3-venv): the FastAPI example"
                    + " cannot be installed");
            case NGINX -> missing("nginx").map(t -> t + ": nginx cannot run as the app (Debian package nginx)");
        };
    }

    private static Optional<String> missing(String... tools) {
        for (String tool : tools) {
            if (!onPath(tool)) {
                return Optional.of(tool + " is not on PATH");
            }
        }
        return Optional.empty();
    }

    /** The result of one build: where it is, and how long the registry step took (0 when it came from the cache). */
    record Built(Path folder, long installMillis) {
    }

    /**
     * The cached registry step (install or build), made once per lock file and tool version: built next to its
     * final place and moved there in one step, so that an interrupted build is never taken for a finished one.
     */
    Built registryStep(Path repo) throws IOException, InterruptedException {
        if (product == null) {
            return new Built(null, 0);
        }
        Path source = repo.resolve("examples").resolve(folder);
        Path cached = CACHE.resolve(folder + "-" + key(source));
        if (Files.isDirectory(cached)) {
            return new Built(cached, 0);
        }
        Files.createDirectories(CACHE);
        Path staging = Files.createTempDirectory(CACHE, folder + "-building-");
        long started = System.nanoTime();
        try {
            switch (this) {
                case EXPRESS -> {
                    copy(source.resolve("package.json"), staging);
                    copy(source.resolve("package-lock.json"), staging);
                    run(staging, Map.of(), "npm", "ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund");
                }
                case GO -> {
                    copy(source.resolve("go.mod"), staging);
                    copy(source.resolve("main.go"), staging);
                    // A static binary as in a FROM scratch image; the local toolchain, never a downloaded one.
                    run(staging, Map.of("CGO_ENABLED", "0", "GOTOOLCHAIN", "local"), "go", "build", "-trimpath",
                            "-o", "server", ".");
                }
                case FASTAPI -> {
                    copy(source.resolve("requirements.txt"), staging);
                    run(staging, Map.of(), python().orElseThrow().toString(), "-m", "venv", "venv");
                    run(staging, Map.of(), staging.resolve("venv/bin/python").toString(), "-m", "pip", "install", "--no-input",
                            "--disable-pip-version-check", "-r", "requirements.txt");
                }
                case NGINX -> throw new IllegalStateException("nginx has no registry step");
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            try {
                Files.move(staging, cached, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (!Files.isDirectory(cached)) {
                    throw e;
                }
                // Another test run finished the same build first: keep its copy.
                run(CACHE, Map.of(), "rm", "-rf", staging.toString());
            }
            return new Built(cached, millis);
        } catch (IOException | RuntimeException e) {
            run(CACHE, Map.of(), "rm", "-rf", staging.toString());
            throw e;
        }
    }

    /**
     * The app's folder of its image (/opt/example-NAME) on the host: the repository's sources and the registry
     * step's product, readable by the Pod's users.
     */
    Path imageFolder(Path repo, Built built, Path target) throws IOException, InterruptedException {
        Path source = repo.resolve("examples").resolve(folder);
        Files.createDirectories(target);
        List<String> sources = switch (this) {
            case EXPRESS -> List.of("server.js", "package.json");
            case GO -> List.of();
            case FASTAPI -> List.of("main.py");
            case NGINX -> List.of("start.sh", "nginx.conf.template");
        };
        for (String file : sources) {
            copy(source.resolve(file), target);
        }
        if (built.folder() != null) {
            // cp -a keeps the venv's symlinks (bin/python -> the host's python3) and the binary's mode.
            run(target, Map.of(), "cp", "-a", built.folder().resolve(product).toString(), target.toString());
        }
        return target;
    }

    /** Lock inputs and the tool's version: a new lock file or a new tool builds afresh. */
    private String key(Path source) throws IOException, InterruptedException {
        List<String> inputs = switch (this) {
            case EXPRESS -> List.of("package-lock.json");
            case GO -> List.of("go.mod", "main.go");
            case FASTAPI -> List.of("requirements.txt");
            case NGINX -> List.of();
        };
        String version = switch (this) {
            case EXPRESS -> output("node", "--version");
            case GO -> output("go", "version");
            case FASTAPI -> output(python().orElseThrow().toString(), "--version");
            case NGINX -> "";
        };
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(version.getBytes());
            for (String input : inputs) {
                sha.update(Files.readAllBytes(source.resolve(input)));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The python3 for the venv: one the Pod's users may run (pyenv's under /root is not), with venv. Debian's first.
     */
    private static Optional<Path> python() {
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/bin/python3")));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "python3"));
            }
        }
        for (Path candidate : candidates) {
            try {
                if (Files.isExecutable(candidate) && othersMayRun(candidate.toRealPath())
                        && new ProcessBuilder(candidate.toString(), "-c", "import venv, ensurepip")
                                .redirectErrorStream(true).start().waitFor() == 0) {
                    return Optional.of(candidate);
                }
            } catch (IOException e) {
                // not this one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static boolean othersMayRun(Path file) throws IOException {
        for (Path p = file.getParent(); p != null; p = p.getParent()) {
            if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_EXECUTE);
    }

    private static boolean onPath(String tool) {
        return PodChecks.onPath(tool);
    }

    private static void copy(Path file, Path folder) throws IOException {
        Files.copy(file, folder.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.COPY_ATTRIBUTES);
    }

    private static String output(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static void run(Path dir, Map<String, String> env, String... command) throws IOException,
            InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("in " + dir + ": " + String.join(" ", command) + " failed:\n" + out);
        }
    }
}
