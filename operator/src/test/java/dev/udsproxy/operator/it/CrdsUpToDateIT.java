package dev.udsproxy.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs in crds/ are what the Java types generate (the Quarkus build writes them to
 * target/kubernetes at package time, hence an IT). {@code -Dudsproxy.crds.update=true} copies them.
 */
class CrdsUpToDateIT {
    static final Path BASE = Path.of(System.getProperty("basedir", "."));
    static final Path GENERATED = BASE.resolve("target/kubernetes");
    static final Path COMMITTED = BASE.resolve("../crds");

    @Test
    void committedCrdsMatchTheGeneratedOnes() throws IOException {
        try (Stream<Path> files = Files.list(GENERATED)) {
            var generated = files.filter(f -> f.getFileName().toString().endsWith("-v1.yml")).sorted().toList();
            assertThat(generated).as("CRDs generated into %s", GENERATED).isNotEmpty();
            for (Path crd : generated) {
                Path committed = COMMITTED.resolve(crd.getFileName());
                if (Boolean.getBoolean("udsproxy.crds.update")) {
                    Files.copy(crd, committed, StandardCopyOption.REPLACE_EXISTING);
                }
                assertThat(committed).as("crds/%s is missing: rerun with -Dudsproxy.crds.update=true", crd.getFileName())
                        .exists();
                assertThat(Files.readString(committed)).as("crds/%s differs from what the Java types generate;"
                        + " rerun with -Dudsproxy.crds.update=true", crd.getFileName()).isEqualTo(Files.readString(crd));
            }
        }
        try (Stream<Path> files = Files.list(COMMITTED)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList())
                    .as("files in crds/ that no Java type generates")
                    .allMatch(name -> Files.exists(GENERATED.resolve(name)));
        }
    }
}
