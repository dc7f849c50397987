package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One version for everything: the project version (the root pom's) is the image tag images/build.sh writes, the
 * sidecar image the operator falls back to, and so each chart's version and appVersion, from which the chart's
 * image tags follow (`default .Chart.AppVersion`). Helm cannot read a pom, so Chart.yaml repeats the number and
 * this test is what keeps the two equal.
 */
class ChartVersionTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void bothChartsCarryTheProjectVersion() throws IOException {
        String version = ExampleManifestsTest.buildVersion();
        for (Path chart : List.of(Repo.chart(), Repo.crdChart())) {
            JsonNode meta = YAML.readTree(Files.readString(chart.resolve("Chart.yaml")));
            assertThat(meta.get("appVersion").asText()).as("appVersion of %s/Chart.yaml", chart).isEqualTo(version);
            assertThat(meta.get("version").asText()).as("version of %s/Chart.yaml", chart).isEqualTo(version);
        }
    }

    @Test
    void theChartsImagesDefaultToTheAppVersion() throws IOException {
        JsonNode values = YAML.readTree(Files.readString(Repo.chart().resolve("values.yaml")));
        assertThat(values.at("/image/tag").asText()).as("image.tag: empty means appVersion").isEmpty();
        assertThat(values.at("/sidecar/image/tag").asText()).as("sidecar.image.tag: empty means appVersion").isEmpty();
        assertThat(values.at("/tests/image").asText()).as("tests.image: empty means udsproxy/toolbox:appVersion").isEmpty();
    }
}
