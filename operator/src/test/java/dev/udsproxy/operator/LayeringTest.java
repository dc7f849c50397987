package dev.udsproxy.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The webhook is an adapter (HTTP in, AdmissionReview out): the controllers and the use case must not depend on it,
 * or "admit this Pod" creeps back into the HTTP handler and gets copied again. Read from the sources, so a new
 * import fails here with the file that has it.
 */
class LayeringTest {
    private static final Path MAIN = Path.of(System.getProperty("basedir", "."), "src/main/java/dev/udsproxy/operator");
    private static final List<String> INDEPENDENT_OF_THE_WEBHOOK = List.of("reconciler", "workload", "catchup",
            "injection", "cluster", "events");

    @Test
    void noControllerNorTheUseCaseImportsTheWebhook() throws IOException {
        List<String> offenders;
        try (Stream<Path> files = Files.walk(MAIN)) {
            offenders = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> INDEPENDENT_OF_THE_WEBHOOK.contains(MAIN.relativize(f).getName(0).toString()))
                    .filter(LayeringTest::importsTheWebhook)
                    .map(f -> MAIN.relativize(f).toString())
                    .toList();
        }
        assertThat(offenders).as("classes of %s that import dev.udsproxy.operator.webhook", INDEPENDENT_OF_THE_WEBHOOK)
                .isEmpty();
    }

    @Test
    void theCheckSeesThePackagesItGuards() throws IOException {
        // A moved source tree would make the check above pass on nothing.
        for (String pkg : INDEPENDENT_OF_THE_WEBHOOK) {
            try (Stream<Path> files = Files.list(MAIN.resolve(pkg))) {
                assertThat(files.anyMatch(f -> f.toString().endsWith(".java"))).as(pkg).isTrue();
            }
        }
    }

    private static boolean importsTheWebhook(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .anyMatch(line -> line.startsWith("import dev.udsproxy.operator.webhook.")
                            || line.startsWith("import static dev.udsproxy.operator.webhook."));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
