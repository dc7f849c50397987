package dev.udsproxy.podonhost;

import static dev.udsproxy.podonhost.InjectedExamplePodIT.APP;
import static dev.udsproxy.podonhost.InjectedExamplePodIT.REPO;
import static dev.udsproxy.podonhost.InjectedExamplePodIT.SIDECAR;
import static dev.udsproxy.podonhost.PodChecks.awaitProbe;
import static dev.udsproxy.podonhost.PodChecks.httpGet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the example apps do for a cluster test, with the real sidecar in front as the operator injects it: the
 * client's address from the PROXY protocol header the sidecar sends (udsproxy.dev/proxy-protocol v1, v2), the
 * app's own requests through its egress route's socket (udsproxy.dev/egress), and, in a Pod created without
 * the sidecar, serving its declared port over TCP by itself.
 */
class ExampleAppsPodIT {
    @TempDir
    Path root;
    private HostPod pod;
    private HttpUpstream upstream;

    @AfterEach
    void stopEverything() {
        if (pod != null) {
            pod.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @ParameterizedTest(name = "examples/{0}, proxy-protocol {1}")
    @CsvSource({"java, v1", "java, v2", "node, v1", "node, v2"})
    void theAppSeesTheClientsAddressAndReachesItsEgressService(String language, String proxyProtocol)
            throws Exception {
        skipWithoutNode(language);
        upstream = new HttpUpstream("store");
        ExampleApp example = ExampleApp.load(REPO, language);
        var annotations = example.pod().getMetadata().getAnnotations();
        annotations.put("udsproxy.dev/proxy-protocol", proxyProtocol);
        // "down": a route to a port nobody listens on.
        annotations.put("udsproxy.dev/egress", "store=127.0.0.1:" + upstream.port() + ",down=127.0.0.1:" + closedPort());
        Pod injected = OperatorInjection.inject(example.pod(), OperatorInjection.builtInProfile(), true);
        pod = HostPod.create(injected, root, example.configMapFiles(), HostImages.of(REPO, root.resolve("image")));
        pod.start(SIDECAR);
        Container sidecar = pod.container(SIDECAR);
        awaitProbe(pod, SIDECAR, Container::getStartupProbe, Duration.ofSeconds(
                (long) sidecar.getStartupProbe().getPeriodSeconds() * sidecar.getStartupProbe().getFailureThreshold()));
        pod.start(APP);
        awaitProbe(pod, SIDECAR, Container::getReadinessProbe, Duration.ofSeconds(60));

        // The sidecar puts the client's address in front of the bytes; the app reads it and answers with it.
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), pod.hostPort("http"))) {
            assertThat(body(exchange(client, "GET /who HTTP/1.1\r\nHost: example\r\nConnection: close\r\n\r\n")))
                    .as(pod.logs())
                    .isEqualTo("hello from " + example.name() + " over unix, path /who, client 127.0.0.1:"
                            + client.getLocalPort() + "\n");
        }

        // The app's own request through its route's socket: the sidecar carries it to the service.
        assertThat(httpGet(pod.hostPort("http"), "/egress/store/items?id=7")).as(pod.logs())
                .isEqualTo("HTTP/1.1 200 OK\nstore got /items?id=7\n");
        assertThat(upstream.requests()).containsExactly("GET /items?id=7 Connection: close");

        // A route whose service is down: the sidecar closes the socket unanswered, the app says so.
        HttpResponse<String> down = get(pod.hostPort("http"), "/egress/down/x");
        assertThat(down.statusCode()).as(down.body()).isEqualTo(502);
        assertThat(down.body()).startsWith("egress down: no HTTP answer through unix:")
                .contains(pod.env(APP).get("UDSPROXY_EGRESS_DOWN"));
        // A name the Pod has no route for.
        HttpResponse<String> none = get(pod.hostPort("http"), "/egress/nowhere/x");
        assertThat(none.statusCode()).isEqualTo(502);
        assertThat(none.body()).isEqualTo("egress nowhere: UDSPROXY_EGRESS_NOWHERE is not set: the Pod has no"
                + " udsproxy.dev/egress route named nowhere\n");
    }

    @ParameterizedTest(name = "examples/{0}")
    @ValueSource(strings = {"java", "node"})
    void aPodCreatedWithoutTheSidecarServesItsPortOverTcp(String language) throws Exception {
        skipWithoutNode(language);
        PodUsers.unavailable().ifPresent(why -> PodChecks.skipIf(true, why + " (and a network namespace of the Pod)"));
        PodChecks.skipIf(!PodChecks.onPath("curl"), "curl is not on PATH: no client in the Pod's network namespace");
        // Admitted while the webhook was down (failurePolicy Ignore): the Pod exactly as its Deployment has it.
        ExampleApp example = ExampleApp.load(REPO, language);
        Container app = example.pod().getSpec().getContainers().get(0);
        assertThat(app.getEnv()).as("env of the uninjected app").noneMatch(e -> e.getName().equals("UDSPROXY_SOCKET"));
        pod = HostPod.create(example.pod(), root, example.configMapFiles(), HostImages.of(REPO, root.resolve("image")),
                true);
        // Its own network namespace, as a Pod has: the declared port is the Pod's, nothing else on the host sees it.
        ContainerProcess process = pod.startInOwnNetwork(APP);
        int port = app.getPorts().get(0).getContainerPort();
        String url = "http://127.0.0.1:" + port + "/no-sidecar";
        List<String> curl = List.of("nsenter", "--net=/proc/" + process.pid() + "/ns/net", "curl", "-sS",
                "--max-time", "2", url);
        String[] answer = new String[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .failFast("the app exited\n" + process.log(), () -> !process.isAlive())
                .until(() -> (answer[0] = run(curl)) != null);
        assertThat(answer[0]).as(pod.logs()).isEqualTo("hello from " + example.name() + " over tcp, path /no-sidecar\n");
        assertThat(process.log()).contains(example.name() + ": UDSPROXY_SOCKET is not set (no udsproxy sidecar), so"
                + " TCP 0.0.0.0:" + port);
    }

    private static void skipWithoutNode(String language) {
        if (language.equals("node")) {
            PodChecks.skipIf(!PodChecks.onPath("node"), "node is not on PATH: the Node.js example cannot run on the host");
        }
    }

    /** The output of a command that exited 0, or null. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    }

    private static String exchange(Socket client, String request) throws IOException {
        client.setSoTimeout(10_000);
        OutputStream out = client.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = client.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String body(String response) {
        int head = response.indexOf("\r\n\r\n");
        assertThat(response).as("an HTTP answer").startsWith("HTTP/1.1 200 ");
        return response.substring(head + 4);
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
