package dev.udsproxy.podonhost;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * examples/compose/docker-compose.yml against the Compose Specification's own JSON schema (no compose engine needed),
 * and the pattern it shows: the app and the sidecar share one named volume for the socket, the socket the app
 * listens on is the one the sidecar forwards to, and only the sidecar publishes a port.
 */
class ComposeExampleTest {
    private static final Path REPO = InjectedExamplePodIT.REPO;
    private static final Path FILE = REPO.resolve("examples/compose/docker-compose.yml");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static ComposeSchema schema;

    @BeforeAll
    static void installSchema() throws Exception {
        schema = ComposeSchema.install(REPO.resolve("e2e/pod-on-host"));
    }

    @Test
    void theComposeFileIsValidAgainstTheComposeSpecification() throws Exception {
        List<Error> errors = schema.validate(YAML.readTree(Files.readString(FILE)));
        assertThat(errors).as("schema errors in %s", FILE).isEmpty();
    }

    @Test
    void theSchemaRefusesABrokenFile() throws Exception {
        // The same file with a misspelt key and a port list given as one number: the schema must say so, or the
        // test above could not fail.
        ObjectNode broken = (ObjectNode) YAML.readTree(Files.readString(FILE));
        ObjectNode sidecar = (ObjectNode) broken.get("services").get("udsproxy");
        sidecar.put("volume", "sockets:/var/run/udsproxy");
        sidecar.put("ports", 8080);
        List<String> errors = schema.validate(broken).stream().map(Error::toString).toList();
        assertThat(errors).as("errors for the broken file").anyMatch(e -> e.contains("volume"))
                .anyMatch(e -> e.contains("ports"));
    }

    @Test
    void theAppAndTheSidecarShareTheSocketAndOnlyTheSidecarPublishesAPort() throws Exception {
        JsonNode services = YAML.readTree(Files.readString(FILE)).get("services");
        JsonNode app = services.get("app");
        JsonNode sidecar = services.get("udsproxy");
        assertThat(app).as("service app").isNotNull();
        assertThat(sidecar).as("service udsproxy").isNotNull();

        List<String> publishing = new ArrayList<>();
        services.properties().forEach(s -> {
            if (s.getValue().has("ports")) {
                publishing.add(s.getKey());
            }
        });
        assertThat(publishing).as("services that publish a port").containsExactly("udsproxy");
        assertThat(app.path("network_mode").asText()).as("the app's network").isEqualTo("none");

        // One named volume, mounted at the same folder in both; the app's socket in it is the sidecar's upstream.
        String appMount = volumeMount(app);
        assertThat(volumeMount(sidecar)).isEqualTo(appMount);
        String volume = appMount.substring(0, appMount.indexOf(':'));
        String folder = appMount.substring(appMount.indexOf(':') + 1);
        assertThat(YAML.readTree(Files.readString(FILE)).path("volumes").has(volume)).as("named volume %s", volume)
                .isTrue();
        String socket = app.path("environment").path("UDSPROXY_SOCKET").asText();
        assertThat(socket).startsWith(folder + "/");
        assertThat(sidecar.path("environment").path("UDSPROXY_UPSTREAM").asText()).isEqualTo("unix:" + socket);
        assertThat(sidecar.path("environment").path("UDSPROXY_SOCKET_DIR").asText()).isEqualTo(folder);
    }

    private static String volumeMount(JsonNode service) {
        JsonNode volumes = service.path("volumes");
        assertThat(volumes.size()).as("volumes of %s", service).isEqualTo(1);
        return volumes.get(0).asText();
    }

}
