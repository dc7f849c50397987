package dev.udsproxy.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.udsproxy.controlplane.TestNamespaces;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API server calls our webhook over TLS; what it stores is what we answered. */
@QuarkusTest
@WithTestResource(ControlPlaneResource.class)
class WebhookAdmissionIT {

    @TestHTTPResource("/q/metrics")
    URL metrics;

    @TestHTTPResource("/q/health/ready")
    URL ready;

    static KubernetesClient client() {
        return ControlPlaneResource.plane().client();
    }

    /** Webhook configurations reach the API server asynchronously; a dry run shows when ours is live. */
    @BeforeAll
    static void webhookIsLive() {
        String ns = TestNamespaces.create(client(), "live", Map.of());
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> TestPods.sidecar(
                client().pods().inNamespace(ns).resource(TestPods.optedIn("probe")).dryRun().create()).isPresent());
    }

    @Test
    void storedPodHasTheSidecar() {
        String ns = TestNamespaces.create(client(), "inject", Map.of());

        Pod stored = client().pods().inNamespace(ns).resource(TestPods.optedIn("web")).create();

        assertThat(TestPods.sidecar(stored)).hasValueSatisfying(sidecar -> {
            assertThat(sidecar.getRestartPolicy()).as("native sidecar on Kubernetes 1.34").isEqualTo("Always");
            assertThat(sidecar.getPorts()).anySatisfy(p -> {
                assertThat(p.getName()).isEqualTo("http");
                assertThat(p.getContainerPort()).isEqualTo(8080);
            });
        });
        assertThat(stored.getSpec().getContainers().get(0).getPorts()).isEmpty();
        assertThat(stored.getSpec().getContainers().get(0).getEnv())
                .anySatisfy(e -> assertThat(e.getName()).isEqualTo("UDSPROXY_SOCKET"));
        assertThat(stored.getSpec().getVolumes()).anySatisfy(v -> assertThat(v.getName()).isEqualTo("udsproxy-sockets"));
        assertThat(stored.getMetadata().getAnnotations()).containsKey("udsproxy.dev/status");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                client().v1().events().inNamespace(ns).list().getItems())
                .anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("Injected");
                    assertThat(e.getInvolvedObject().getName()).isEqualTo("web");
                }));
    }

    /**
     * sideEffects NoneOnDryRun is a promise: a dry run (kubectl create --dry-run=server) gets the same answer and no
     * Event. Events are written in order by one thread, so once the Event of a real Pod created after the dry run is
     * there, one for the dry run would be there too.
     */
    @Test
    void dryRunIsAnsweredButWritesNoEvent() {
        String ns = TestNamespaces.create(client(), "dryrun", Map.of());

        Pod dry = client().pods().inNamespace(ns).resource(TestPods.optedIn("dry")).dryRun().create();
        client().pods().inNamespace(ns).resource(TestPods.optedIn("real")).create();

        assertThat(TestPods.sidecar(dry)).as("the dry run went through the webhook").isPresent();
        assertThat(client().pods().inNamespace(ns).withName("dry").get()).as("a dry run stores nothing").isNull();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                client().v1().events().inNamespace(ns).list().getItems())
                .anySatisfy(e -> assertThat(e.getInvolvedObject().getName()).isEqualTo("real")));
        assertThat(client().v1().events().inNamespace(ns).list().getItems())
                .noneSatisfy(e -> assertThat(e.getInvolvedObject().getName()).isEqualTo("dry"));
    }

    /**
     * The sidecar never calls the API, so it must not get the Pod's ServiceAccount token. The ServiceAccount admission
     * plugin runs again after a webhook changed the Pod and then mounts the token into the sidecar too (seen here); the
     * sidecar's own empty, read-only mount at the token's path makes the plugin skip it.
     */
    @Test
    void sidecarGetsNoServiceAccountToken() {
        String ns = TestNamespaces.create(client(), "token", Map.of());
        // kube-controller-manager creates the namespace's default ServiceAccount; the plugin needs it to exist.
        await().atMost(Duration.ofSeconds(30)).until(() ->
                client().serviceAccounts().inNamespace(ns).withName("default").get() != null);

        Pod stored = client().pods().inNamespace(ns).resource(TestPods.optedIn("web")).create();

        String tokenDir = "/var/run/secrets/kubernetes.io/serviceaccount";
        assertThat(stored.getSpec().getContainers()).filteredOn(c -> c.getName().equals("app")).singleElement()
                .satisfies(app -> assertThat(app.getVolumeMounts()).as("control: the plugin is on and mounted it")
                        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo(tokenDir)));
        assertThat(TestPods.sidecar(stored)).hasValueSatisfying(sidecar -> assertThat(sidecar.getVolumeMounts())
                .extracting(m -> m.getName() + " at " + m.getMountPath())
                .containsExactlyInAnyOrder("udsproxy-sockets at /var/run/udsproxy",
                        "udsproxy-no-api-token at " + tokenDir));
        assertThat(stored.getSpec().getVolumes()).filteredOn(v -> v.getName().equals("udsproxy-no-api-token"))
                .singleElement().satisfies(v -> assertThat(v.getEmptyDir()).as("an empty folder, no token").isNotNull());
    }

    @Test
    void appGetsAPreStopSleepTheApiServerAcceptsAndTheGracePeriodCoversIt() {
        String ns = TestNamespaces.create(client(), "prestop", Map.of());
        // The API server refuses a sleep longer than the grace period: 20 s here, the sleep 5 s, the sidecar's stop 25 s.
        Pod shortGrace = new PodBuilder(TestPods.optedIn("short")).editSpec().withTerminationGracePeriodSeconds(20L)
                .endSpec().build();

        Pod stored = client().pods().inNamespace(ns).resource(shortGrace).create();

        var preStop = stored.getSpec().getContainers().get(0).getLifecycle().getPreStop();
        assertThat(preStop.getSleep().getSeconds()).as("the kubelet's sleep action, no shell").isEqualTo(5L);
        assertThat(preStop.getExec()).isNull();
        assertThat(stored.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(5L + 3 + 20 + 2);

        // A preStop of the user's own is never replaced.
        Pod own = new PodBuilder(TestPods.optedIn("own")).editSpec().editFirstContainer().withNewLifecycle()
                .withNewPreStop().withNewExec().withCommand("/bin/drain").endExec().endPreStop().endLifecycle()
                .endContainer().endSpec().build();
        Pod kept = client().pods().inNamespace(ns).resource(own).create();
        assertThat(kept.getSpec().getContainers().get(0).getLifecycle().getPreStop().getExec().getCommand())
                .containsExactly("/bin/drain");
        assertThat(kept.getSpec().getContainers().get(0).getLifecycle().getPreStop().getSleep()).isNull();
    }

    @Test
    void restrictedNamespaceAdmitsTheInjectedPod() {
        String ns = TestNamespaces.create(client(), "restricted", Map.of(
                "pod-security.kubernetes.io/enforce", "restricted",
                "pod-security.kubernetes.io/enforce-version", "latest"));
        // Control: Pod Security really enforces here, an app without its own security context is refused.
        Pod careless = new PodBuilder(TestPods.optedIn("careless")).editSpec().editFirstContainer()
                .withSecurityContext(null).endContainer().endSpec().build();
        assertThatThrownBy(() -> client().pods().inNamespace(ns).resource(careless).create())
                .isInstanceOf(KubernetesClientException.class).hasMessageContaining("restricted");

        Pod stored = client().pods().inNamespace(ns).resource(TestPods.optedIn("web")).create();

        assertThat(TestPods.sidecar(stored)).isPresent();
    }

    @Test
    void invalidAnnotationIsRefusedWithItsMessage() {
        String ns = TestNamespaces.create(client(), "invalid", Map.of());
        Pod pod = new PodBuilder(TestPods.optedIn("web")).editMetadata()
                .addToAnnotations("udsproxy.dev/port", "70000").endMetadata().build();

        assertThatThrownBy(() -> client().pods().inNamespace(ns).resource(pod).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("invalid annotation udsproxy.dev/port=\"70000\": allowed is a TCP port number");
    }

    @Test
    void namespaceLabelOptsInAndPodAnnotationOptsOut() {
        String ns = TestNamespaces.create(client(), "nsopt", Map.of("udsproxy.dev/injection", "enabled"));

        Pod in = client().pods().inNamespace(ns).resource(TestPods.pod("in", Map.of(), Map.of())).create();
        Pod out = client().pods().inNamespace(ns).resource(TestPods.pod("out",
                Map.of("udsproxy.dev/inject", "false"), Map.of("udsproxy.dev/inject", "false"))).create();

        assertThat(TestPods.sidecar(in)).isPresent();
        assertThat(TestPods.sidecar(out)).isEmpty();
    }

    @Test
    void skippedPodIsCreatedUnchangedWithAnInjectionSkippedEvent() {
        String ns = TestNamespaces.create(client(), "skip", Map.of());
        Pod hostNetwork = new PodBuilder(TestPods.optedIn("node-agent")).editSpec().withHostNetwork(true).endSpec().build();

        Pod stored = client().pods().inNamespace(ns).resource(hostNetwork).create();

        assertThat(TestPods.sidecar(stored)).isEmpty();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                client().v1().events().inNamespace(ns).list().getItems())
                .anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("InjectionSkipped");
                    assertThat(e.getMessage()).contains("SKIP_HOST_NETWORK");
                }));
    }

    @Test
    void readinessReportsTheServingWebhook() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(ready.toString())).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"udsproxy-webhook\"").contains("certificateValidUntil");
    }

    @Test
    void decisionsAreCountedInMetrics() throws Exception {
        String ns = TestNamespaces.create(client(), "metrics", Map.of());
        client().pods().inNamespace(ns).resource(TestPods.optedIn("counted")).create();

        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(metrics.toString())).build(),
                HttpResponse.BodyHandlers.ofString()).body();

        assertThat(body).containsPattern("udsproxy_admissions_total\\{decision=\"INJECT\",result=\"INJECTED\"} [1-9]")
                // A histogram (buckets that add up across replicas), not a summary's per-replica quantiles.
                .contains("# TYPE udsproxy_admission_duration_seconds histogram")
                .containsPattern("udsproxy_admission_duration_seconds_bucket\\{le=\"0\\.005\"} [0-9]")
                .containsPattern("udsproxy_admission_duration_seconds_bucket\\{le=\"\\+Inf\"} [1-9]")
                .doesNotContain("udsproxy_admission_duration_seconds{quantile");
    }
}
