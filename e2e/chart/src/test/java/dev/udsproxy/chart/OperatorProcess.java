package dev.udsproxy.chart;

import dev.udsproxy.controlplane.ControlPlane;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator as the chart's Deployment runs it, but as a local process: the built Quarkus app, the
 * chart's env settings, and the chart's ServiceAccount (a bearer token), so its RBAC is what it gets.
 */
final class OperatorProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    final int webhookPort;
    final int httpPort;

    private OperatorProcess(Process process, Path log, int webhookPort, int httpPort) {
        this.process = process;
        this.log = log;
        this.webhookPort = webhookPort;
        this.httpPort = httpPort;
    }

    private static Path copied;

    /**
     * A private copy of the operator's Quarkus app: the app loads its jars lazily, and a rebuild of the
     * operator in the same tree while this test runs would pull them from under it. Made once per test JVM, so
     * that starting a second replica does not rewrite the files the first one runs from.
     */
    static synchronized Path app() throws IOException {
        if (copied == null) {
            copied = copyApp();
        }
        return copied;
    }

    private static Path copyApp() throws IOException {
        Path built = Repo.root().resolve("operator/target/quarkus-app");
        if (!Files.isRegularFile(built.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException("no operator build at " + built
                    + ": build it first (./mvnw -pl operator -am package -DskipTests, or the full ./mvnw verify)");
        }
        Path copy = Repo.scratch("operator-app");
        try (var old = Files.walk(copy)) {
            for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(copy)) {
                    Files.delete(p);
                }
            }
        }
        try (var files = Files.walk(built)) {
            for (Path source : files.toList()) {
                Path target = copy.resolve(built.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        return copy.resolve("quarkus-run.jar");
    }

    /**
     * The env of a rendered operator Deployment's container as settings for {@link #start}: the literal values
     * (the downward-API namespace becomes {@code namespace}, as the kubelet would fill it in).
     */
    static Map<String, String> settingsOf(io.fabric8.kubernetes.api.model.apps.Deployment deployment,
            String namespace) {
        Map<String, String> settings = new java.util.HashMap<>();
        for (var env : deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
            if (env.getValue() != null) {
                settings.put(env.getName(), env.getValue());
            }
        }
        settings.put("UDSPROXY_NAMESPACE", namespace);
        return settings;
    }

    /** Starts the operator with {@code settings} (UDSPROXY_* as the chart sets them) and the given token. */
    static OperatorProcess start(ControlPlane plane, String token, Map<String, String> settings, int webhookPort,
            Path dir) throws IOException {
        int httpPort = freePort();
        Path log = dir.resolve("operator.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-jar",
                app().toString())).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.putAll(settings);
        // A kubeconfig with the ServiceAccount's token, read by fabric8 at run time like an in-cluster config.
        Path kubeconfig = dir.resolve("operator-kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: test, cluster: {server: "%s", certificate-authority-data: "%s"}}]
                users: [{name: operator, user: {token: "%s"}}]
                contexts: [{name: operator, context: {cluster: test, user: operator}}]
                current-context: operator
                """.formatted(plane.apiServerUrl(), plane.clientConfig().getCaCertData(), token));
        env.put("KUBECONFIG", kubeconfig.toString());
        env.put("UDSPROXY_WEBHOOK_HOST", "127.0.0.1");
        env.put("UDSPROXY_WEBHOOK_PORT", String.valueOf(webhookPort));
        // The API server calls this process by URL: the serving certificate must name 127.0.0.1.
        env.put("UDSPROXY_WEBHOOK_EXTRA_IP_ADDRESSES", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        return new OperatorProcess(builder.start(), log, webhookPort, httpPort);
    }

    /** Waits for /q/health/ready, as the chart's readiness probe does. */
    void awaitReady(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the operator exited (" + process.exitValue() + "); log:\n" + logTail());
            }
            try {
                HttpResponse<String> response = http.send(ready, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the operator was not ready within " + timeout + " (" + last + "); log:\n" + logTail());
    }

    /** HTTP status of GET {@code path} on the operator's HTTP port (where the chart's probes point). */
    int httpStatus(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(5)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * The log's last 60 lines without stack frames: a stack trace's frames would push out the message that says
     * what failed and its causes (seen: a CI failure whose 40 lines were all frames of one trace).
     */
    String logTail() throws IOException {
        List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.startsWith("\tat ")).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    /** SIGKILL: the process gets no chance to clean up (a node lost, an OOM kill). */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM, as the kubelet sends it first; does not wait. */
    void terminate() {
        process.destroy();
    }

    /** The exit code once the process has ended within {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the operator did not exit within " + timeout);
        }
        return process.exitValue();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
