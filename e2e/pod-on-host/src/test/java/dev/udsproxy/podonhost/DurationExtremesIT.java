package dev.udsproxy.podonhost;

import static dev.udsproxy.podonhost.InjectedExamplePodIT.REPO;
import static dev.udsproxy.podonhost.InjectedExamplePodIT.SIDECAR;
import static dev.udsproxy.podonhost.PodChecks.awaitProbe;
import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.operator.customresource.NativeSidecarMode;
import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The smallest and largest durations the committed CRD admits start the sidecar, which then forwards and
 * stops on SIGTERM: nothing a SidecarProfile may say puts the Pods into a crash loop.
 */
class DurationExtremesIT {
    private static final Path CRD = REPO.resolve("crds/sidecarprofiles.udsproxy.dev-v1.yml");

    @TempDir
    Path root;
    private HostPod pod;

    @AfterEach
    void stopEverything() {
        if (pod != null) {
            pod.close();
        }
    }

    @ParameterizedTest(name = "connect={0} idle={1} drain={2}")
    @CsvSource({"1ms, 0s, 0ms", "999999999h, 999999999h, 999999999h"})
    void theSidecarRunsWithTheExtremesTheCrdAdmits(String connect, String idle, String drain) throws Exception {
        assertThat(admittedByCrd(connect, "timeouts", "connect")).as("the CRD admits connect %s", connect).isTrue();
        assertThat(admittedByCrd(idle, "timeouts", "idle")).as("the CRD admits idle %s", idle).isTrue();
        assertThat(admittedByCrd(drain, "drain", "timeout")).as("the CRD admits drain %s", drain).isTrue();
        SidecarProfileSpec spec = new SidecarProfileSpec();
        spec.image = "registry.example/udsproxy/sidecar:extreme";
        spec.timeouts = new SidecarProfileSpec.Timeouts();
        spec.timeouts.connect = connect;
        spec.timeouts.idle = idle;
        spec.drain = new SidecarProfileSpec.Drain();
        spec.drain.timeout = drain;
        spec.nativeSidecar = NativeSidecarMode.ALWAYS;
        Pod web = new PodBuilder()
                .withNewMetadata().withName("web").withNamespace("shop")
                .addToAnnotations("udsproxy.dev/inject", "true").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("registry.example/web:1")
                .addNewPort().withName("web").withContainerPort(9090).endPort()
                .endContainer().endSpec()
                .build();
        Pod injected = OperatorInjection.inject(web, OperatorInjection.profile("extreme", spec), false);
        pod = HostPod.create(injected, root, Map.of(), HostImages.of(REPO, root.resolve("image")));

        ContainerProcess sidecar = pod.start(SIDECAR);
        Container c = pod.container(SIDECAR);
        awaitProbe(pod, SIDECAR, Container::getStartupProbe, Duration.ofSeconds(
                (long) c.getStartupProbe().getPeriodSeconds() * c.getStartupProbe().getFailureThreshold()));
        try (UnixLineServer app = new UnixLineServer(Path.of(pod.env("web").get("UDSPROXY_SOCKET")))) {
            awaitProbe(pod, SIDECAR, Container::getReadinessProbe, Duration.ofSeconds(10));
            // Per connection the sidecar turns the timeouts into deadlines: that is where an overflow would show.
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), pod.hostPort("web"))) {
                OutputStream out = client.getOutputStream();
                out.write("hello\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                var in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                assertThat(in.readLine()).as(pod.logs()).isEqualTo("app got hello");
            }
        }
        // No connection is open, so even a drain timeout of 999999999h ends at once after the shutdown grace.
        assertThat(sidecar.terminate(30)).as(pod.logs()).isZero();
    }

    /** The field's pattern in the committed CRD; Java's regex and the API server's RE2 agree on such patterns. */
    private static boolean admittedByCrd(String value, String... path) throws Exception {
        JsonNode node = new YAMLMapper().readTree(CRD.toFile())
                .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
        for (String p : path) {
            node = node.path("properties").path(p);
        }
        String pattern = node.path("pattern").asText();
        assertThat(pattern).as("pattern of spec.%s in %s", String.join(".", path), CRD).isNotEmpty();
        return Pattern.compile(pattern).matcher(value).find();
    }
}
