package dev.udsproxy.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator (target/quarkus-app, what the image runs) with UDSPROXY_LOG_FORMAT. It talks to the real API
 * server as a user without any RBAC, so it logs its start and the 403 that ends it, and exits: what it prints is
 * real operator output, and it never acts on the cluster the other tests use.
 */
@QuarkusTest
@WithTestResource(ControlPlaneResource.class)
class PackagedOperatorLogFormatIT {
    static final Path JAR = Path.of(System.getProperty("basedir", "."), "target/quarkus-app/quarkus-run.jar");
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern TEXT_LINE = Pattern.compile("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3} +(INFO|WARN|ERROR) .*");

    @Test
    void jsonPrintsOneJsonObjectALine() throws Exception {
        List<String> lines = run(Optional.of("json")).lines();

        assertThat(lines).as("the operator logged something").isNotEmpty();
        for (String line : lines) {
            JsonNode record = parse(line).orElseThrow(() -> new AssertionError("not a JSON line: " + line));
            assertThat(record.has("level") && record.has("message") && record.has("loggerName"))
                    .as("a log record: " + line).isTrue();
        }
    }

    @Test
    void textIsTheDefault() throws Exception {
        List<String> lines = run(Optional.empty()).lines();

        assertThat(lines).noneSatisfy(line -> assertThat(parse(line)).isPresent());
        assertThat(lines).anySatisfy(line -> assertThat(line).matches(TEXT_LINE));
    }

    @Test
    void anyOtherValueFailsTheStartNamingTheSettingAndTheAllowedValues() throws Exception {
        Result result = run(Optional.of("xml"));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("invalid UDSPROXY_LOG_FORMAT=\"xml\": allowed are text and json");
    }

    record Result(int exitCode, String output) {
        List<String> lines() {
            return output.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private static Optional<JsonNode> parse(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Result run(Optional<String> format) throws Exception {
        assertThat(JAR).as("the packaged operator (mvn package runs before the ITs)").exists();
        Config nobody = ControlPlaneResource.plane().clientConfigAs("udsproxy-log-format-test");
        Path output = Files.createTempFile("operator-log", ".txt");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()).redirectErrorStream(true).redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("UDSPROXY_") || k.startsWith("QUARKUS_") || k.startsWith("KUBE"));
        // fabric8's own variables: the image gets its ServiceAccount the same way, from the environment.
        env.put("KUBERNETES_MASTER", nobody.getMasterUrl());
        env.put("KUBERNETES_CERTS_CA_DATA", nobody.getCaCertData());
        env.put("KUBERNETES_CERTS_CLIENT_DATA", nobody.getClientCertData());
        env.put("KUBERNETES_CERTS_CLIENT_KEY_DATA", nobody.getClientKeyData());
        env.put("KUBERNETES_CERTS_CLIENT_KEY_ALGO", "EC");
        env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
        env.put("QUARKUS_HTTP_PORT", "0");
        env.put("UDSPROXY_WEBHOOK_PORT", "0");
        env.put("UDSPROXY_WEBHOOK_HOST", "127.0.0.1");
        format.ifPresent(f -> env.put("UDSPROXY_LOG_FORMAT", f));
        Process process = builder.start();
        try {
            // A guard against a hang, not a measurement: the forbidden start ends in seconds.
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the operator exited; output:\n"
                    + Files.readString(output, StandardCharsets.UTF_8)).isTrue();
            String text = Files.readString(output, StandardCharsets.UTF_8);
            System.out.printf("packaged operator, UDSPROXY_LOG_FORMAT=%s: exit %d, %d lines%n", format.orElse("(unset)"),
                    process.exitValue(), text.lines().count());
            return new Result(process.exitValue(), text);
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(output);
        }
    }
}
