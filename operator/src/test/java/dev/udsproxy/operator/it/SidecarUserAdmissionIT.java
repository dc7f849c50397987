package dev.udsproxy.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.udsproxy.controlplane.TestNamespaces;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Who the sidecar runs as, through the real API server: the app's user where the Pod names it (Pod Security
 * "restricted" still admits the Pod), and where it does not, an admission warning that reaches the client which
 * created the Pod (kubectl prints it as "Warning: ..."), the Pod injected all the same.
 */
@QuarkusTest
@WithTestResource(ControlPlaneResource.class)
class SidecarUserAdmissionIT {

    static KubernetesClient client() {
        return ControlPlaneResource.plane().client();
    }

    @BeforeAll
    static void webhookIsLive() {
        String ns = TestNamespaces.create(client(), "live-user", Map.of());
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> TestPods.sidecar(
                client().pods().inNamespace(ns).resource(TestPods.optedIn("probe")).dryRun().create()).isPresent());
    }

    @Test
    void theSidecarRunsAsTheAppsUserInARestrictedNamespaceWithoutAWarning() throws Exception {
        String ns = restrictedNamespace("app-user");
        Pod withUser = new PodBuilder(TestPods.optedIn("web")).editSpec().editFirstContainer().editSecurityContext()
                .withRunAsUser(1000L).withRunAsGroup(3000L).endSecurityContext().endContainer().endSpec().build();

        HttpResponse<String> created = create(ns, withUser);

        assertThat(created.code()).as(created.body()).isEqualTo(201);
        assertThat(created.headers("Warning")).as("warnings returned to the client").isEmpty();
        Pod stored = client().getKubernetesSerialization().unmarshal(created.body(), Pod.class);
        assertThat(TestPods.sidecar(stored)).hasValueSatisfying(sidecar -> {
            assertThat(sidecar.getSecurityContext().getRunAsUser()).isEqualTo(1000L);
            assertThat(sidecar.getSecurityContext().getRunAsGroup()).isEqualTo(3000L);
            assertThat(sidecar.getSecurityContext().getRunAsNonRoot()).isTrue();
        });
    }

    @Test
    void anAppWhoseUserComesFromItsImageIsInjectedWithAWarningNamingTheFix() throws Exception {
        String ns = restrictedNamespace("image-user");

        HttpResponse<String> created = create(ns, TestPods.optedIn("web"));

        assertThat(created.code()).as(created.body()).isEqualTo(201);
        List<String> warnings = created.headers("Warning");
        // RFC 7234 warn-code 299, agent "-", the text quoted: what kubectl prints after "Warning: ".
        assertThat(warnings).singleElement().asString().startsWith("299 - \"container app has no runAsUser, nor has"
                + " the Pod: its user comes from its image, so the sidecar runs as uid 65532. Fix: set"
                + " securityContext.runAsUser on container app or on the Pod")
                .contains("mode 0660");
        Pod stored = client().getKubernetesSerialization().unmarshal(created.body(), Pod.class);
        assertThat(TestPods.sidecar(stored)).hasValueSatisfying(sidecar ->
                assertThat(sidecar.getSecurityContext().getRunAsUser()).isEqualTo(65532L));
    }

    /**
     * Each example's Pod as its Deployment makes it: valid for the API server, restricted with the sidecar, and the
     * sidecar as the app's user (1000, from the app container or the Pod) with nothing to warn about.
     */
    @ParameterizedTest(name = "examples/{0}")
    @ValueSource(strings = {"express", "go", "fastapi", "nginx", "java", "node"})
    void theExamplesPodsAreAdmittedRestrictedWithTheSidecarAsTheirAppsUser(String example) throws Exception {
        String ns = restrictedNamespace("example-" + example);
        Path manifest = Path.of(System.getProperty("basedir", "."), "..", "examples", example, "deployment.yaml");
        Deployment deployment = null;
        for (String document : Files.readString(manifest).split("(?m)^---\\s*$")) {
            if (document.contains("kind: Deployment")) {
                deployment = client().getKubernetesSerialization().unmarshal(document, Deployment.class);
            }
        }
        assertThat(deployment).as("a Deployment in %s", manifest).isNotNull();
        // What the ReplicaSet controller creates from the template.
        Pod pod = new PodBuilder().withNewMetadata().withName(deployment.getMetadata().getName() + "-1")
                .withLabels(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .withAnnotations(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).endMetadata()
                .withSpec(deployment.getSpec().getTemplate().getSpec()).build();

        HttpResponse<String> created = create(ns, pod);

        assertThat(created.code()).as(created.body()).isEqualTo(201);
        assertThat(created.headers("Warning")).as("warnings returned to the client").isEmpty();
        Pod stored = client().getKubernetesSerialization().unmarshal(created.body(), Pod.class);
        assertThat(TestPods.sidecar(stored)).hasValueSatisfying(sidecar ->
                assertThat(sidecar.getSecurityContext().getRunAsUser()).isEqualTo(1000L));
    }

    /** Pod Security enforces "restricted" here: the sidecar as the app's user must pass it. */
    private static String restrictedNamespace(String name) {
        return TestNamespaces.create(client(), name, Map.of(
                "pod-security.kubernetes.io/enforce", "restricted",
                "pod-security.kubernetes.io/enforce-version", "latest"));
    }

    /** A plain POST, as kubectl does: fabric8's typed create hides the response's Warning headers. */
    private static HttpResponse<String> create(String namespace, Pod pod) throws Exception {
        var http = client().getHttpClient();
        HttpRequest request = http.newHttpRequestBuilder()
                .uri(client().getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/namespaces/" + namespace
                        + "/pods")
                .post("application/json", client().getKubernetesSerialization().asJson(pod))
                .build();
        return http.sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
    }
}
