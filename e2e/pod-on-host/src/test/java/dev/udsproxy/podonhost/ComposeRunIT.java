package dev.udsproxy.podonhost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * examples/compose/docker-compose.yml run for real by a compose engine: podman-compose (PyPI) on rootful podman, with
 * the project's images in podman's storage (images/build.sh puts them there). The sidecar's published port answers
 * with the app's words over the shared socket; the app has no network at all. {@code down -v} removes what
 * {@code up} made (containers, the project's network, the socket volume), checked after the run.
 */
class ComposeRunIT {
    private static final Path REPO = InjectedExamplePodIT.REPO;
    private static final Path FILE = REPO.resolve("examples/compose/docker-compose.yml");
    /** Where podman-compose is installed when PATH has none: outside the repo, reused by the next run. */
    private static final Path VENV = Path.of(System.getProperty("user.home"), ".cache/udsproxy/podman-compose");
    private static final String PODMAN_COMPOSE_VERSION = "1.6.0";

    @Test
    void theSidecarsPublishedPortServesTheAppOverTheSharedSocket() throws Exception {
        PodChecks.skipIf(!"root".equals(System.getProperty("user.name")), "not root: podman-compose here needs rootful"
                + " podman, where images/build.sh puts the images");
        PodChecks.skipIf(!PodChecks.onPath("podman"), "podman is not on PATH: no compose engine");
        for (String image : images()) {
            PodChecks.skipIf(run(List.of("podman", "image", "exists", image), Map.of()).exit() != 0, image
                    + " is not in podman's storage: images/build.sh (root, buildah) builds it, or podman load -i"
                    + " target/images/*.tar; the compose file is still checked by ComposeExampleTest");
        }
        String compose = podmanCompose();
        String project = "udsproxy-compose-it-" + ProcessHandle.current().pid();
        int port = freePort();
        List<String> base = List.of(compose, "-f", FILE.toString(), "-p", project);
        Map<String, String> env = Map.of("UDSPROXY_COMPOSE_PORT", String.valueOf(port));
        // Publishing a port makes netavark turn on forwarding, add NETAVARK-* iptables chains and a /run/netns
        // mount: recorded here, put back in the finally below, and asserted gone.
        HostNetworkState host = HostNetworkState.record();
        try {
            Result up = run(concat(base, "up", "-d"), env);
            assertThat(up.exit()).as("podman-compose up:\n%s", up.output()).isZero();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            String[] body = new String[1];
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> {
                        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/hello")).timeout(Duration.ofSeconds(3))
                                .build(), HttpResponse.BodyHandlers.ofString());
                        body[0] = answer.body();
                        return answer.statusCode() == 200;
                    });
            assertThat(body[0]).isEqualTo("hello from example-node over unix, path /hello\n");
            Result network = run(List.of("podman", "inspect", "--format", "{{.HostConfig.NetworkMode}}",
                    project + "_app_1"), Map.of());
            assertThat(network.output().trim()).as("the app's network").isEqualTo("none");
        } finally {
            Result down = run(concat(base, "down", "-v"), env);
            host.restore();
            assertThat(down.exit()).as("podman-compose down -v:\n%s", down.output()).isZero();
        }
        assertThat(host.differences()).as("host state after podman-compose down and the restore").isEmpty();
        // Nothing of the project is left on the host.
        assertThat(run(List.of("podman", "network", "ls", "--format", "{{.Name}}"), Map.of()).output())
                .doesNotContain(project);
        assertThat(run(List.of("podman", "volume", "ls", "--format", "{{.Name}}"), Map.of()).output())
                .doesNotContain(project);
        assertThat(run(List.of("podman", "ps", "-a", "--format", "{{.Names}}"), Map.of()).output())
                .doesNotContain(project);
    }

    /** The images the compose file runs. */
    private static List<String> images() throws IOException {
        List<String> images = new ArrayList<>();
        JsonNode services = new YAMLMapper().readTree(Files.readString(FILE)).get("services");
        services.forEach(s -> images.add(s.get("image").asText()));
        return images;
    }

    /** podman-compose from PATH, else from ~/.cache/udsproxy (installed there from PyPI on first use). */
    private static String podmanCompose() throws IOException, InterruptedException {
        if (PodChecks.onPath("podman-compose")) {
            return "podman-compose";
        }
        Path program = VENV.resolve("bin/podman-compose");
        if (!Files.isExecutable(program)) {
            PodChecks.skipIf(!PodChecks.onPath("python3"), "python3 is not on PATH: podman-compose cannot be installed");
            Result venv = run(List.of("python3", "-m", "venv", VENV.toString()), Map.of());
            assertThat(venv.exit()).as("python3 -m venv %s:\n%s", VENV, venv.output()).isZero();
            Result pip = run(List.of(VENV.resolve("bin/pip").toString(), "install", "-q",
                    "podman-compose==" + PODMAN_COMPOSE_VERSION), Map.of());
            assertThat(pip.exit()).as("pip install podman-compose:\n%s", pip.output()).isZero();
        }
        return program.toString();
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return new Result(-1, out + "\n(timed out)");
        }
        return new Result(p.exitValue(), out);
    }

    private static List<String> concat(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
