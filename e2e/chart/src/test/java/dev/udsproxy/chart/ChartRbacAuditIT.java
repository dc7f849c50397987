package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.udsproxy.controlplane.ControlPlane;
import dev.udsproxy.controlplane.ControlPlaneBinaries;
import dev.udsproxy.controlplane.TestNamespaces;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The chart's RBAC is what the operator's code asks for, no more and no less. A control plane of its own writes
 * an audit log (level Metadata); the packaged operator runs as a process with the chart's ServiceAccount token and
 * its rendered ClusterRole/Role; the test drives every path that talks to the API server (certificate Secret created,
 * then renewed after a restart; caBundle patch; leader Lease; profile reconcile and status; the catch-up deleting an
 * uninjected opted-in Pod; opt-in and roll of a Deployment, StatefulSet and DaemonSet; admissions with Events, one
 * of them counted twice; the namespace lookup on an informer miss). Then the audit log, for that user only, must show no 403 (a missing rule)
 * and every (apiGroup, resource, verb) the chart grants requested at least once (no unused rule).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartRbacAuditIT {

    static final String NAMESPACE = "udsproxy-audit";
    static final String RELEASE = "audit";
    static final String FULLNAME = "audit-udsproxy-operator";
    static final String USER = "system:serviceaccount:" + NAMESPACE + ":" + FULLNAME;
    static final ResourceDefinitionContext PROFILES = new ResourceDefinitionContext.Builder()
            .withGroup("udsproxy.dev").withVersion("v1alpha1").withPlural("sidecarprofiles").withKind("SidecarProfile")
            .withNamespaced(false).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RULES_REVIEW = "authorization.k8s.io selfsubjectrulesreviews create";
    /**
     * Rules a permission check asks about (a SelfSubjectRulesReview, which every authenticated user may create)
     * without the code ever sending the request: the operator SDK's LeaderElectionManager.checkLeaseAccess wants
     * get, create and update on leases, and refuses to elect ("No permission to lease resource.") otherwise, while
     * fabric8's LeaseLock renews with patch.
     */
    static final Map<String, String> CHECKED_NOT_REQUESTED = Map.of("coordination.k8s.io leases update",
            "the operator SDK's leader-election permission check asks for it");
    static final String GARBAGE = Base64.getEncoder().encodeToString("garbage".getBytes(StandardCharsets.UTF_8));

    final Helm helm = Helm.locate();
    final Path dir = Repo.scratch("rbac-audit");
    ControlPlane plane;
    KubernetesClient client;
    Rendered chart;
    String apps;

    @BeforeAll
    void startPlane() {
        plane = ControlPlane.start(ControlPlaneBinaries.locate(), true);
        plane.startControllerManager();
        client = plane.client();
    }

    @AfterAll
    void stopPlane() {
        if (plane != null) {
            plane.close();
        }
    }

    @Test
    void theOperatorUsesEveryRuleTheChartGrantsAndNeedsNoOther() throws Exception {
        int webhookPort = OperatorProcess.freePort();
        CrdChart.install(helm, plane);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
                .build()).create();
        chart = Rendered.parse(helm.template(RELEASE, NAMESPACE, "--set", "defaultProfile.spec.catchUp.policy=delete")
                .requireSuccess().stdout());
        for (HasMetadata object : chart.all()) {
            if (object instanceof ServiceAccount || object instanceof ClusterRole || object instanceof Role
                    || object.getKind().endsWith("Binding") && !object.getMetadata().getName().endsWith("test-injection")
                    || object.getKind().equals("SidecarProfile")) {
                if (!object.getMetadata().getName().endsWith("test-injection")) {
                    client.resource(object).create();
                }
            }
        }
        // The Deployment whose env the operator runs with, at 0 replicas (no kubelet): what owns run-time objects.
        Deployment deployment = chart.get(Deployment.class, FULLNAME);
        deployment.getSpec().setReplicas(0);
        client.resource(deployment).create();

        // An opted-in Pod that got past admission without the sidecar (no webhook yet), made by a controller (the
        // catch-up deletes only Pods that something recreates): the catch-up's to delete.
        apps = TestNamespaces.create(client, "audit-apps", Map.of("udsproxy.dev/injection", "enabled"));
        client.resource(new ReplicaSetBuilder().withNewMetadata().withName("legacy").withNamespace(apps).endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "legacy").endSelector()
                .withTemplate(template("legacy")).endSpec().build()).create();
        Awaitility.await("the ReplicaSet's uninjected Pod").atMost(Duration.ofSeconds(60))
                .until(() -> !legacyPods().isEmpty());
        String stray = legacyPods().get(0);
        // The chart's webhook configuration, pointed at the local process (no kubelet, no Pod IPs).
        MutatingWebhookConfiguration webhooks = chart.get(MutatingWebhookConfiguration.class, FULLNAME + "-webhook");
        webhooks.getWebhooks().forEach(w -> {
            w.getClientConfig().setService(null);
            w.getClientConfig().setUrl("https://127.0.0.1:" + webhookPort + "/mutate-pods");
        });
        client.resource(webhooks).create();

        Map<String, String> settings = OperatorProcess.settingsOf(deployment, NAMESPACE);
        try (OperatorProcess operator = OperatorProcess.start(plane, token(), settings, webhookPort, dir)) {
            operator.awaitReady(Duration.ofSeconds(90));
            driveFirstRun(operator, stray);
        }
        // A restart finds the Secret it cannot use (as after a manual edit): it renews it in place (update).
        client.secrets().inNamespace(NAMESPACE).withName(FULLNAME + "-webhook-tls").edit(secret -> {
            secret.setData(Map.of("tls.crt", GARBAGE, "tls.key", GARBAGE));
            return secret;
        });
        try (OperatorProcess operator = OperatorProcess.start(plane, token(), settings, webhookPort, dir)) {
            operator.awaitReady(Duration.ofSeconds(90));
            Awaitility.await("the Secret renewed").atMost(Duration.ofSeconds(30)).until(() -> client.secrets()
                    .inNamespace(NAMESPACE).withName(FULLNAME + "-webhook-tls").get().getData().get("tls.crt").equals(GARBAGE)
                    == false);
        }

        // An upgrade from an operator that wrote the Secret without an owner: the next start adopts it (a merge patch
        // of metadata.ownerReferences alone), so helm uninstall removes it later.
        client.secrets().inNamespace(NAMESPACE).withName(FULLNAME + "-webhook-tls").edit(secret -> {
            secret.getMetadata().setOwnerReferences(null);
            return secret;
        });
        try (OperatorProcess operator = OperatorProcess.start(plane, token(), settings, webhookPort, dir)) {
            operator.awaitReady(Duration.ofSeconds(90));
            Awaitility.await("the Secret adopted by the Deployment").atMost(Duration.ofSeconds(30)).until(() -> client.secrets()
                    .inNamespace(NAMESPACE).withName(FULLNAME + "-webhook-tls").get().getMetadata().getOwnerReferences()
                    .stream().anyMatch(r -> r.getKind().equals("Deployment")));
        }

        Audit audit = Audit.read(plane.auditLog(), USER);
        Set<String> granted = granted(chart);
        Set<String> unused = new TreeSet<>(granted);
        unused.removeAll(audit.requested());
        if (audit.requested().contains(RULES_REVIEW)) {
            // Needed to pass the SDK's check, not for a request: the check is in the log, so the need is real.
            CHECKED_NOT_REQUESTED.forEach((rule, why) -> {
                if (unused.remove(rule)) {
                    System.out.println("ChartRbacAuditIT: granted though never requested: " + rule + " (" + why + ")");
                }
            });
        }
        System.out.println("ChartRbacAuditIT: requested by " + USER + " (apiGroup resource verb):");
        audit.requested().forEach(r -> System.out.println("  " + r + (granted.contains(r) ? "" : "   (not the chart's)")));
        System.out.println("ChartRbacAuditIT: granted by the chart:");
        granted.forEach(r -> System.out.println("  " + r));

        assertThat(audit.forbidden()).as("requests refused with 403 (a rule the chart lacks)").isEmpty();
        assertThat(unused).as("rules the chart grants that the operator never used with every path driven").isEmpty();
    }

    List<String> legacyPods() {
        return client.pods().inNamespace(apps).withLabel("app", "legacy").list().getItems().stream()
                .map(p -> p.getMetadata().getName()).toList();
    }

    @SuppressWarnings("unchecked")
    void driveFirstRun(OperatorProcess operator, String stray) throws Exception {
        var configurations = client.admissionRegistration().v1().mutatingWebhookConfigurations()
                .withName(FULLNAME + "-webhook");
        Awaitility.await("caBundle set").atMost(Duration.ofSeconds(60)).until(() -> configurations.get().getWebhooks()
                .stream().allMatch(w -> w.getClientConfig().getCaBundle() != null));
        Awaitility.await("leader Lease").atMost(Duration.ofSeconds(60)).until(() -> client.leases()
                .inNamespace(NAMESPACE).withName(FULLNAME + "-leader").get() != null);
        Awaitility.await("the catch-up deletes the uninjected opted-in Pod").atMost(Duration.ofSeconds(60))
                .until(() -> !legacyPods().contains(stray));

        // Opt-in of each workload kind; the Deployment's Pods come through the webhook (with Events).
        client.resource(new DeploymentBuilder().withMetadata(optedIn("web")).withNewSpec().withReplicas(1)
                .withNewSelector().addToMatchLabels("app", "web").endSelector().withTemplate(template("web"))
                .endSpec().build()).create();
        client.resource(new StatefulSetBuilder().withMetadata(optedIn("db")).withNewSpec().withReplicas(1)
                .withNewSelector().addToMatchLabels("app", "db").endSelector().withTemplate(template("db"))
                .endSpec().build()).create();
        client.resource(new DaemonSetBuilder().withMetadata(optedIn("agent")).withNewSpec()
                .withNewSelector().addToMatchLabels("app", "agent").endSelector().withTemplate(template("agent"))
                .endSpec().build()).create();
        for (String kind : List.of("deployments", "statefulsets", "daemonsets")) {
            Awaitility.await(kind + " template opted in").atMost(Duration.ofSeconds(60)).until(() -> templateHash(kind) != null);
        }
        // Every ReplicaSet of web with an injected Pod (the one from before the opt-in's template change as well, as the
        // Deployment cannot finish a rollout without a kubelet) has its Injected Event written, before the scale-up: else
        // two Pods of one ReplicaSet could reach the recorder within its one write a second and be created with count
        // 2, which is no update.
        Awaitility.await("an injected Pod of web, and its Event").atMost(Duration.ofSeconds(60)).until(() -> {
            Set<String> owners = new TreeSet<>();
            client.pods().inNamespace(apps).withLabel("app", "web").list().getItems().stream()
                    .filter(p -> p.getMetadata().getAnnotations().containsKey("udsproxy.dev/status"))
                    .forEach(p -> p.getMetadata().getOwnerReferences().forEach(o -> owners.add(o.getName())));
            Set<String> reported = new TreeSet<>();
            injectedEventsOfWeb(apps).forEach(e -> reported.add(e.getInvolvedObject().getName()));
            return !owners.isEmpty() && reported.containsAll(owners);
        });
        // A second Pod of the same ReplicaSet adds to its Injected Event (aggregated: the count grows, an update).
        client.apps().deployments().inNamespace(apps).withName("web").scale(2);
        Awaitility.await("the Injected Event counts both Pods").atMost(Duration.ofSeconds(60)).until(() ->
                injectedEventsOfWeb(apps).stream().anyMatch(e -> Integer.valueOf(2).equals(e.getCount())));

        // A profile change rolls the workloads and the reconciler writes the profile's status.
        String before = templateHash("deployments");
        client.genericKubernetesResources(PROFILES).withName("default").edit(profile -> {
            ((Map<String, Object>) profile.getAdditionalProperties().get("spec")).put("image", "udsproxy/sidecar:0.1.1");
            return profile;
        });
        Awaitility.await("the Deployment rolled to the changed profile").atMost(Duration.ofSeconds(60))
                .until(() -> !before.equals(templateHash("deployments")));
        Awaitility.await("the profile's status").atMost(Duration.ofSeconds(60)).until(() -> {
            GenericKubernetesResource profile = client.genericKubernetesResources(PROFILES).withName("default").get();
            return profile.getAdditionalProperties().get("status") != null;
        });

        // The webhook's namespace lookup when its informer has no such namespace: asked once, by GET.
        HttpResponse<String> review = admissionReviewFor("not-created-" + System.nanoTime(), operator.webhookPort,
                configurations.get().getWebhooks().get(0).getClientConfig().getCaBundle());
        assertThat(review.statusCode()).as("webhook answer: %s", review.body()).isEqualTo(200);
    }

    @SuppressWarnings("unchecked")
    String templateHash(String plural) {
        GenericKubernetesResource workload = client.genericKubernetesResources("apps/v1",
                        Map.of("deployments", "Deployment", "statefulsets", "StatefulSet", "daemonsets", "DaemonSet")
                                .get(plural)).inNamespace(apps).list().getItems().get(0);
        Map<String, Object> template = (Map<String, Object>) ((Map<String, Object>) workload.getAdditionalProperties()
                .get("spec")).get("template");
        Map<String, Object> annotations = (Map<String, Object>) ((Map<String, Object>) template.get("metadata"))
                .get("annotations");
        return annotations == null ? null : (String) annotations.get("udsproxy.dev/profile-hash");
    }

    ObjectMeta optedIn(String name) {
        ObjectMeta meta = new ObjectMeta();
        meta.setName(name);
        meta.setNamespace(apps);
        meta.setAnnotations(Map.of("udsproxy.dev/inject", "true"));
        return meta;
    }

    static PodTemplateSpec template(String app) {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", app)
                .addToLabels(app.equals("legacy") ? Map.of("udsproxy.dev/inject", "true") : Map.of()).endMetadata()
                .withNewSpec()
                .addNewContainer().withName("app").withImage("example/app:1").addNewPort().withName("http")
                .withContainerPort(8080).endPort().endContainer().endSpec().build();
    }

    HttpResponse<String> admissionReviewFor(String namespace, int port, String caBundle) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        for (var cert : CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(Base64.getDecoder().decode(caBundle)))) {
            trust.setCertificateEntry("ca" + i++, cert);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, factory.getTrustManagers(), null);
        String pod = JSON.writeValueAsString(new PodBuilder().withNewMetadata().withName("probe").withNamespace(namespace)
                .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("busybox").endContainer()
                .endSpec().build());
        String body = """
                {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "audit-1",
                 "kind": {"group": "", "version": "v1", "kind": "Pod"},
                 "resource": {"group": "", "version": "v1", "resource": "pods"},
                 "namespace": "%s", "operation": "CREATE", "userInfo": {"username": "audit"},
                 "object": %s, "dryRun": false}}""".formatted(namespace, pod);
        return HttpClient.newBuilder().sslContext(tls).build().send(HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + port + "/mutate-pods")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String token() {
        return client.serviceAccounts().inNamespace(NAMESPACE).withName(FULLNAME)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
    }

    /** "apiGroup resource verb" for every verb on every resource of the chart's ClusterRole and Role. */
    static Set<String> granted(Rendered chart) {
        Set<String> granted = new TreeSet<>();
        Stream.concat(chart.all(ClusterRole.class).stream().flatMap(r -> r.getRules().stream()),
                chart.all(Role.class).stream().filter(r -> !r.getMetadata().getName().endsWith("test-injection"))
                        .flatMap(r -> r.getRules().stream())).forEach((PolicyRule rule) -> {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        granted.add(key(group, resource, verb));
                    }
                }
            }
        });
        return granted;
    }

    static String key(String group, String resource, String verb) {
        return (group.isEmpty() ? "core" : group) + " " + resource + " " + verb;
    }

    /** What one user asked the API server for, from its audit log (resource requests only). */
    record Audit(Set<String> requested, Map<String, String> forbidden) {

        static Audit read(Path log, String user) throws Exception {
            Set<String> requested = new TreeSet<>();
            Map<String, String> forbidden = new TreeMap<>();
            for (String line : Files.readAllLines(log)) {
                JsonNode event = JSON.readTree(line);
                JsonNode ref = event.path("objectRef");
                if (!user.equals(event.path("user").path("username").asText()) || ref.isMissingNode()
                        || !ref.has("resource")) {
                    continue;
                }
                String resource = ref.path("resource").asText()
                        + (ref.has("subresource") ? "/" + ref.path("subresource").asText() : "");
                String key = key(ref.path("apiGroup").asText(""), resource, event.path("verb").asText());
                requested.add(key);
                if (event.path("responseStatus").path("code").asInt() == 403) {
                    forbidden.put(key, event.path("requestURI").asText());
                }
            }
            assertThat(requested).as("audit events of %s in %s", user, log).isNotEmpty();
            return new Audit(requested, forbidden);
        }
    }

    /** The Injected Events of web's ReplicaSets (the Pods' owners, which the Events are about). */
    private List<Event> injectedEventsOfWeb(String namespace) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> "Injected".equals(e.getReason()) && e.getInvolvedObject() != null
                        && e.getInvolvedObject().getName() != null && e.getInvolvedObject().getName().startsWith("web-"))
                .toList();
    }
}
