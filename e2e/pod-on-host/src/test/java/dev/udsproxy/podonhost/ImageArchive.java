package dev.udsproxy.podonhost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * One image as images/build.sh writes it (a docker-archive tar: manifest.json, the config, the layers): what a
 * container of it runs (entrypoint, env, user) and the files of its own layers, which {@link #extractOwnLayers}
 * writes into a host folder. Its own layers: those Jib added (history author "Jib"), or all of them in an image
 * made FROM scratch (no Jib layer at all); the base's layers (the JRE) stay out, the test JVM stands in for them.
 */
record ImageArchive(Path tar, List<String> entrypoint, List<String> cmd, Map<String, String> env, String user,
        List<String> ownLayers) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ImageArchive read(Path tar) throws IOException {
        if (!Files.isRegularFile(tar)) {
            throw new IllegalStateException(tar + " is missing: images/build.sh writes it");
        }
        JsonNode manifest = JSON.readTree(entry(tar, "manifest.json")).get(0);
        JsonNode config = JSON.readTree(entry(tar, manifest.get("Config").asText()));
        JsonNode container = config.get("config");
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode pair : container.path("Env")) {
            String[] kv = pair.asText().split("=", 2);
            env.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        List<String> layers = new ArrayList<>();
        manifest.get("Layers").forEach(l -> layers.add(l.asText()));
        // One history entry per layer (neither builder writes empty-layer entries): the layer's author.
        List<JsonNode> history = new ArrayList<>();
        config.path("history").forEach(h -> {
            if (!h.path("empty_layer").asBoolean(false)) {
                history.add(h);
            }
        });
        if (history.size() != layers.size()) {
            throw new IllegalStateException(tar + ": " + history.size() + " history entries for " + layers.size()
                    + " layers");
        }
        List<String> own = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if ("Jib".equals(history.get(i).path("author").asText())) {
                own.add(layers.get(i));
            }
        }
        return new ImageArchive(tar, strings(container.path("Entrypoint")), strings(container.path("Cmd")),
                Map.copyOf(env), container.path("User").asText(""), List.copyOf(own.isEmpty() ? layers : own));
    }

    /** Writes the files of the image's own layers below {@code root}, the image's / there; returns the files. */
    List<String> extractOwnLayers(Path root) throws IOException {
        List<String> files = new ArrayList<>();
        for (String layer : ownLayers) {
            try (TarArchiveInputStream outer = new TarArchiveInputStream(Files.newInputStream(tar))) {
                for (TarArchiveEntry e; (e = outer.getNextEntry()) != null; ) {
                    if (!e.getName().equals(layer)) {
                        continue;
                    }
                    InputStream in = new BufferedInputStream(outer);
                    in.mark(2);
                    boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
                    in.reset();
                    extract(new TarArchiveInputStream(gzip ? new GZIPInputStream(in) : in), root, files);
                    break;
                }
            }
        }
        return files;
    }

    private static void extract(TarArchiveInputStream layer, Path root, List<String> files) throws IOException {
        for (TarArchiveEntry e; (e = layer.getNextEntry()) != null; ) {
            String name = e.getName().replaceFirst("^\\./", "").replaceFirst("^/", "");
            if (name.isEmpty() || name.contains("..")) {
                continue;
            }
            Path target = root.resolve(name);
            if (e.isDirectory()) {
                Files.createDirectories(target);
            } else if (e.isSymbolicLink()) {
                Files.createDirectories(target.getParent());
                Files.deleteIfExists(target);
                Files.createSymbolicLink(target, Path.of(e.getLinkName()));
                files.add("/" + name);
            } else if (e.isFile()) {
                Files.createDirectories(target.getParent());
                Files.copy(layer, target, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(target, permissions(e.getMode()));
                files.add("/" + name);
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE, high to low
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }

    private static byte[] entry(Path tar, String name) throws IOException {
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().equals(name)) {
                    return in.readAllBytes();
                }
            }
        }
        throw new IllegalStateException(tar + " has no " + name + ": not a docker-archive");
    }

    private static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return List.copyOf(list);
    }
}
