package dev.udsproxy.cli.inject;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input: exit 1 and one message naming the file, the object and what is allowed; nothing on stdout. */
class InjectErrorsTest {
    @TempDir
    Path dir;

    @Test
    void anInvalidAnnotationNamesTheObjectAndWhatIsAllowed() throws IOException {
        Path file = write("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: fine}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata:
                      labels: {app: web, udsproxy.dev/inject: "true"}
                      annotations: {udsproxy.dev/inject: "true", udsproxy.dev/proxy-protocol: v3}
                    spec:
                      containers: [{name: app, image: app:1}]
                """);
        CliRun run = CliRun.of("inject", "-f", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains(file + " (line 4): Deployment shop/web")
                .contains("invalid annotation udsproxy.dev/proxy-protocol=\"v3\": allowed are \"off\", \"v1\" and \"v2\"");
    }

    @Test
    void aProfileThatDoesNotExistIsRefusedAsTheWebhookRefusesIt() throws IOException {
        Path file = write("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, annotations: {udsproxy.dev/inject: "true", udsproxy.dev/profile: fast}}
                spec: {containers: [{name: app, image: app:1}]}
                """);
        CliRun run = CliRun.of("inject", "-f", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("Pod p").contains("allowed are the existing SidecarProfiles: default");

        Path profile = dir.resolve("fast.yaml");
        Files.writeString(profile, """
                apiVersion: udsproxy.dev/v1alpha1
                kind: SidecarProfile
                metadata: {name: fast}
                spec: {image: "registry.example/udsproxy/sidecar:9", nativeSidecar: never}
                """);
        CliRun withProfile = CliRun.of("inject", "-f", file.toString(), "--profile", profile.toString());
        assertThat(withProfile.exitCode()).as(withProfile.err()).isZero();
        assertThat(withProfile.out()).contains("image: registry.example/udsproxy/sidecar:9")
                .contains("\\\"profile\\\":\\\"fast\\\"").contains("\\\"mode\\\":\\\"classic\\\"");
    }

    @Test
    void unparseableYamlNamesTheFileAndLine() throws IOException {
        Path file = write("apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: [unclosed\n");
        CliRun run = CliRun.of("inject", "-f", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(file + " (document at line 3): not valid YAML");
    }

    @Test
    void aMissingFileAndABadVersionAreNamed() throws IOException {
        assertThat(CliRun.of("inject", "-f", dir.resolve("nope.yaml").toString()).err()).contains("nope.yaml: no such file");
        Path file = write("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
        CliRun run = CliRun.of("inject", "-f", file.toString(), "--kubernetes-version", "latest");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("--kubernetes-version \"latest\": allowed is MAJOR.MINOR");
        assertThat(CliRun.of("inject").exitCode()).as("no -f: a usage error").isEqualTo(2);
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("in.yaml");
        Files.writeString(file, text);
        return file;
    }
}
