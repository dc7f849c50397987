package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each example's Deployment opts in, its Service reaches the port the sidecar will take over, and it runs the
 * project's image of the app as that image runs it.
 */
class ExampleManifestsTest {

    @ParameterizedTest
    @ValueSource(strings = {"java", "node", "go"})
    void deploymentOptsInAndServiceTargetsTheNamedAppPort(String example) throws Exception {
        Rendered manifests = Rendered.parse(Files.readString(Repo.examples().resolve(example + "/deployment.yaml")));
        Deployment deployment = manifests.all(Deployment.class).get(0);
        Service service = manifests.all(Service.class).get(0);

        assertThat(deployment.getMetadata().getAnnotations()).containsEntry("udsproxy.dev/inject", "true");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("udsproxy.dev/inject", "true");
        // The label is what the webhook's objectSelector matches: the first Pods are injected already.
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("udsproxy.dev/inject", "true");
        // A labelled template is not rewritten by the operator, so it carries the readiness gate itself: a Pod
        // created without the sidecar (no webhook) must not count as Ready (seen on kind: UninstallE2E).
        assertThat(deployment.getSpec().getTemplate().getSpec().getReadinessGates())
                .extracting(g -> g.getConditionType()).containsExactly("udsproxy.dev/injected");
        Container app = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        String targetPort = service.getSpec().getPorts().get(0).getTargetPort().getStrVal();
        assertThat(app.getPorts()).extracting(ContainerPort::getName).contains(targetPort);
        assertThat(service.getSpec().getSelector())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        // The app comes in the project's own image (images/build.sh), which a kind node has after
        // `kind load image-archive`: the tag is the project version, which build.sh writes, and the node never pulls it.
        assertThat(app.getImage()).isEqualTo("udsproxy/example-" + example + ":" + buildVersion());
        assertThat(app.getImagePullPolicy()).isEqualTo("IfNotPresent");
        // The command runs what the image's ENTRYPOINT runs: the same program and every image path it names.
        List<String> entrypoint = entrypoint(example);
        assertThat(Path.of(app.getCommand().get(0)).getFileName())
                .as("program of the command %s against the image's ENTRYPOINT %s", app.getCommand(), entrypoint)
                .isEqualTo(Path.of(entrypoint.get(0)).getFileName());
        assertThat(app.getCommand()).as("the command against the image's ENTRYPOINT %s", entrypoint)
                .containsAll(entrypoint.stream().skip(1).filter(a -> a.startsWith("/opt/example")).toList())
                .endsWith(entrypoint.get(entrypoint.size() - 1));
        // Nothing outside the image: no ConfigMap with the source any more.
        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes()).noneMatch(v -> v.getConfigMap() != null);
    }

    /** The project version (Maven passes it as udsproxy-project-version): the tag of every image images/build.sh builds. */
    static String buildVersion() {
        String version = System.getProperty("udsproxy-project-version");
        assertThat(version).as("system property udsproxy-project-version (the root pom passes the project version)")
                .isNotBlank();
        return version;
    }

    /**
     * The image's ENTRYPOINT as its one definition names it: the Jib execution of images/pom.xml for an image on
     * the JRE base (java), images/example-NAME/image.json for one FROM scratch (node).
     */
    static List<String> entrypoint(String example) throws Exception {
        Path json = Repo.root().resolve("images/example-" + example + "/image.json");
        if (Files.exists(json)) {
            return new ObjectMapper().convertValue(new ObjectMapper().readTree(json.toFile()).get("entrypoint"),
                    new TypeReference<List<String>>() {
                    });
        }
        Path pom = Repo.root().resolve("images/pom.xml");
        var doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        var xpath = javax.xml.xpath.XPathFactory.newInstance().newXPath();
        var args = (org.w3c.dom.NodeList) xpath.evaluate("//execution[id='example-" + example
                + "']/configuration/container/entrypoint/arg", doc, javax.xml.xpath.XPathConstants.NODESET);
        assertThat(args.getLength()).as("the entrypoint of the Jib execution example-%s in %s", example, pom)
                .isPositive();
        List<String> entrypoint = new java.util.ArrayList<>();
        for (int i = 0; i < args.getLength(); i++) {
            entrypoint.add(args.item(i).getTextContent().trim());
        }
        return entrypoint;
    }
}
