package dev.udsproxy.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.udsproxy.controlplane.TestNamespaces;
import dev.udsproxy.operator.customresource.SidecarProfile;
import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The profile reconciler is driven by events through its indexes, not by polling: a profile change reaches exactly
 * the workloads that use it, a Pod change updates the counts, and a cluster where nothing changes sees no LIST and no
 * Event from the operator. Real API server and kube-controller-manager; the LIST count is the API server's own
 * ({@code apiserver_request_total} on its /metrics).
 */
@QuarkusTest
@WithTestResource(ControlPlaneResource.class)
class EventDrivenIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String HASH = "udsproxy.dev/profile-hash";
    /** Five catch-up intervals of the tests (PT3S): the old polling LISTed Pods and workloads in each. */
    private static final Duration QUIET = Duration.ofSeconds(15);
    /** What the operator reads; the API server counts LISTs per resource, not per client. */
    private static final Set<String> READ_BY_THE_OPERATOR = Set.of("pods", "deployments", "statefulsets",
            "daemonsets", "namespaces", "sidecarprofiles", "replicasets");
    private static final Pattern LIST_SAMPLE = Pattern.compile(
            "^apiserver_request_total\\{([^}]*)\\} ([0-9.e+]+)$", Pattern.MULTILINE);

    static KubernetesClient client() {
        return ControlPlaneResource.plane().client();
    }

    @Test
    void aProfileChangeReachesExactlyItsWorkloads() {
        String ns = TestNamespaces.create(client(), "index", Map.of());
        String changed = "changed-" + ns;
        String kept = "kept-" + ns;
        createProfile(changed);
        createProfile(kept);
        deploy(ns, "uses-changed", Map.of("udsproxy.dev/inject", "true", "udsproxy.dev/profile", changed));
        deploy(ns, "uses-kept", Map.of("udsproxy.dev/inject", "true", "udsproxy.dev/profile", kept));
        deploy(ns, "not-opted-in", Map.of("udsproxy.dev/profile", changed));
        await().atMost(PATIENCE).until(() -> hash(ns, "uses-changed") != null && hash(ns, "uses-kept") != null);
        String before = hash(ns, "uses-changed");
        Map<String, Long> generations = generations(ns);

        client().resources(SidecarProfile.class).withName(changed).unlock().edit(p -> {
            p.getSpec().image = "registry.example/udsproxy/sidecar:2";
            return p;
        });

        await().atMost(PATIENCE).until(() -> !Objects.equals(before, hash(ns, "uses-changed")));
        await("the other workloads keep their templates").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                .until(() -> generations(ns).get("uses-kept").equals(generations.get("uses-kept"))
                        && generations(ns).get("not-opted-in").equals(generations.get("not-opted-in")));
        assertThat(generations(ns).get("uses-changed")).isGreaterThan(generations.get("uses-changed"));
    }

    @Test
    void aPodChangeUpdatesTheCountsAndATerminatingPodIsNotCounted() {
        String ns = TestNamespaces.create(client(), "counts", Map.of());
        String profile = "counts-" + ns;
        createProfile(profile);
        client().pods().inNamespace(ns).resource(withProfile(TestPods.optedIn("first"), profile)).create();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(status(profile).injectedPods).isEqualTo(1));

        // A finalizer keeps the Pod Terminating (no kubelet here): it runs no more, so it is not counted.
        Pod second = withProfile(TestPods.optedIn("second"), profile);
        second.getMetadata().setFinalizers(List.of("udsproxy.dev/test-holds-it"));
        client().pods().inNamespace(ns).resource(second).create();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(status(profile).injectedPods).isEqualTo(2));
        client().pods().inNamespace(ns).withName("second").delete();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(status(profile).injectedPods).isEqualTo(1));
        assertThat(client().pods().inNamespace(ns).withName("second").get().getMetadata().getDeletionTimestamp())
                .as("still there, Terminating").isNotNull();
        client().pods().inNamespace(ns).withName("second").edit(p -> {
            p.getMetadata().setFinalizers(List.of());
            return p;
        });
    }

    @Test
    void aQuietClusterSeesNoListAndNoEventFromTheOperator() throws Exception {
        String ns = TestNamespaces.create(client(), "quiet", Map.of());
        String profile = "quiet-" + ns;
        createProfile(profile);
        // Labelled as the examples are: its first Pod comes through the webhook, nothing rolls.
        var web = TestPods.deployment("web", Map.of("udsproxy.dev/inject", "true", "udsproxy.dev/profile", profile),
                Map.of("udsproxy.dev/profile", profile));
        web.getSpec().getTemplate().getMetadata().getLabels().put("udsproxy.dev/inject", "true");
        client().apps().deployments().inNamespace(ns).resource(web).create();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(status(profile).injectedPods).isEqualTo(1));
        TimeUnit.SECONDS.sleep(3); // the reconcilers' last writes of the start land

        Map<String, Integer> eventsBefore = operatorEvents();
        Map<String, Double> listsBefore = listsByResource();
        TimeUnit.MILLISECONDS.sleep(QUIET.toMillis());
        Map<String, Double> listsAfter = listsByResource();
        Map<String, Integer> eventsAfter = operatorEvents();

        Map<String, Double> delta = new TreeMap<>();
        listsAfter.forEach((resource, n) -> {
            double d = n - listsBefore.getOrDefault(resource, 0.0);
            if (d != 0) {
                delta.put(resource, d);
            }
        });
        System.out.printf("EventDrivenIT: LIST requests in %d s of quiet, before %s, after %s%n", QUIET.toSeconds(),
                listsBefore, listsAfter);
        assertThat(delta).as("LIST requests per resource in %d s with nothing changing", QUIET.toSeconds()).isEmpty();
        assertThat(eventsAfter).as("the operator's Events (name -> count) before and after %d s with nothing changing",
                QUIET.toSeconds()).isEqualTo(eventsBefore);
    }

    @Test
    void thePodsOfOneOwnerAddToOneEventAndItsCount() {
        String ns = TestNamespaces.create(client(), "aggregated", Map.of());
        var web = TestPods.deployment("web", Map.of(), Map.of("udsproxy.dev/inject", "true"));
        web.getSpec().getTemplate().getMetadata().getLabels().put("udsproxy.dev/inject", "true");
        web.getSpec().setReplicas(4);
        client().apps().deployments().inNamespace(ns).resource(web).create();

        await().atMost(PATIENCE).untilAsserted(() -> {
            List<Event> injected = client().v1().events().inNamespace(ns).list().getItems().stream()
                    .filter(e -> "Injected".equals(e.getReason())).toList();
            assertThat(injected).as("Injected Events of the ReplicaSet's 4 Pods").singleElement().satisfies(e -> {
                assertThat(e.getInvolvedObject().getKind()).isEqualTo("ReplicaSet");
                assertThat(e.getCount()).isEqualTo(4);
            });
        });
    }

    /** LIST requests the API server has answered so far, per resource the operator reads. */
    static Map<String, Double> listsByResource() throws Exception {
        var http = client().getHttpClient();
        String body = http.sendAsync(http.newHttpRequestBuilder()
                        .uri(URI.create(ControlPlaneResource.plane().apiServerUrl() + "/metrics")).build(), String.class)
                .get(30, TimeUnit.SECONDS).body();
        Map<String, Double> lists = new TreeMap<>();
        Matcher sample = LIST_SAMPLE.matcher(body);
        while (sample.find()) {
            Map<String, String> labels = labels(sample.group(1));
            if ("LIST".equals(labels.get("verb")) && READ_BY_THE_OPERATOR.contains(labels.get("resource"))) {
                lists.merge(labels.get("resource"), Double.parseDouble(sample.group(2)), Double::sum);
            }
        }
        assertThat(lists).as("LIST samples on the API server's /metrics (the informers' first LISTs at least)")
                .isNotEmpty();
        return lists;
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new HashMap<>();
        Matcher m = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(text);
        while (m.find()) {
            labels.put(m.group(1), m.group(2));
        }
        return labels;
    }

    /** Every Event the operator recorded, anywhere: its name and count. */
    static Map<String, Integer> operatorEvents() {
        return client().v1().events().inAnyNamespace().list().getItems().stream()
                .filter(e -> e.getSource() != null && "udsproxy-operator".equals(e.getSource().getComponent()))
                .collect(Collectors.toMap(e -> e.getMetadata().getNamespace() + "/" + e.getMetadata().getName(),
                        EventDrivenIT::count, (a, b) -> a, TreeMap::new));
    }

    private static int count(Event event) {
        int series = event.getSeries() == null || event.getSeries().getCount() == null ? 0 : event.getSeries().getCount();
        return Math.max(Objects.requireNonNullElse(event.getCount(), 1), series);
    }

    private static void createProfile(String name) {
        var profile = new SidecarProfile();
        profile.getMetadata().setName(name);
        SidecarProfileSpec spec = new SidecarProfileSpec();
        spec.image = "registry.example/udsproxy/sidecar:1";
        profile.setSpec(spec);
        client().resources(SidecarProfile.class).resource(profile).create();
    }

    private static void deploy(String ns, String name, Map<String, String> annotations) {
        client().apps().deployments().inNamespace(ns).resource(TestPods.deployment(name, annotations, Map.of()))
                .create();
    }

    private static Pod withProfile(Pod pod, String profile) {
        pod.getMetadata().getAnnotations().put("udsproxy.dev/profile", profile);
        return pod;
    }

    private static String hash(String ns, String name) {
        var annotations = client().apps().deployments().inNamespace(ns).withName(name).get().getSpec().getTemplate()
                .getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(HASH);
    }

    private static Map<String, Long> generations(String ns) {
        return client().apps().deployments().inNamespace(ns).list().getItems().stream()
                .collect(Collectors.toMap(d -> d.getMetadata().getName(), d -> d.getMetadata().getGeneration()));
    }

    private static dev.udsproxy.operator.customresource.SidecarProfileStatus status(String profile) {
        var status = client().resources(SidecarProfile.class).withName(profile).get().getStatus();
        return status == null ? new dev.udsproxy.operator.customresource.SidecarProfileStatus() : status;
    }
}
