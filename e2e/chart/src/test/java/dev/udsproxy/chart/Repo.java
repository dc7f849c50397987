package dev.udsproxy.chart;

import java.nio.file.Files;
import java.nio.file.Path;

/** Folders of the repository the tests look at; Maven passes the root as {@code udsproxy.repo}. */
final class Repo {

    private Repo() {
    }

    static Path root() {
        String property = System.getProperty("udsproxy.repo");
        Path root = (property != null ? Path.of(property) : Path.of("../..")).toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("charts/udsproxy-operator"))) {
            throw new IllegalStateException("repository root not found at " + root
                    + " (set -Dudsproxy.repo to the folder that holds charts/ and examples/)");
        }
        return root;
    }

    static Path chart() {
        return root().resolve("charts/udsproxy-operator");
    }

    /** The chart of the CRDs, installed before the operator chart (README "Install"). */
    static Path crdChart() {
        return root().resolve("charts/udsproxy-crds");
    }

    static Path examples() {
        return root().resolve("examples");
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Scratch space under target/, so helm's caches and temp files stay out of the user's home. */
    static Path scratch(String name) {
        try {
            Path dir = Path.of("target", name).toAbsolutePath();
            Files.createDirectories(dir);
            return dir;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
