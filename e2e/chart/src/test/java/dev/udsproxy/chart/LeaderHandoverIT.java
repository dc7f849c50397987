package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.controlplane.ControlPlane;
import dev.udsproxy.controlplane.ControlPlaneTest;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Leader election between two replicas of the packaged operator, each its own process with the chart's settings
 * and ServiceAccount, on the real API server. A leader killed with SIGKILL is replaced once its Lease expires, and
 * nothing is reconciled meanwhile: the follower runs alone but does not touch a profile created then. A leader sent
 * SIGTERM releases the Lease, so the other replica takes over at its next retry. All along, every live replica
 * answers AdmissionReviews sent to it directly over HTTPS, from its own caches: the surviving one never fails one,
 * from the moment it reports ready (where the API server would start sending) on.
 */
@ControlPlaneTest(controllerManager = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeaderHandoverIT {

    static final String NAMESPACE = "udsproxy-lh";
    static final String RELEASE = "lh";
    static final String FULLNAME = "lh-udsproxy-operator";
    /** Where the reviewed Pods live: a real namespace, so the Events the webhook records on admission are stored. */
    static final String APPS = "udsproxy-lh-apps";
    static final ResourceDefinitionContext PROFILES = new ResourceDefinitionContext.Builder()
            .withGroup("udsproxy.dev").withVersion("v1alpha1").withPlural("sidecarprofiles").withKind("SidecarProfile")
            .withNamespaced(false).build();

    final Helm helm = Helm.locate();
    final ControlPlane plane;
    final KubernetesClient client;
    final Path dir = Repo.scratch("leader-handover");
    final List<OperatorProcess> started = new ArrayList<>();
    final List<Load> loads = new ArrayList<>();
    final Instant started0 = Instant.now();
    Map<String, String> settings;
    String lease;
    /** The chart's webhook timeout: what the API server waits for an answer before it counts a failure. */
    Duration webhookTimeout;

    LeaderHandoverIT(ControlPlane plane, KubernetesClient client) {
        this.plane = plane;
        this.client = client;
    }

    @BeforeAll
    void install() {
        for (String ns : List.of(NAMESPACE, APPS)) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                    .serverSideApply();
        }
        CrdChart.install(helm, plane);
        helm.run(List.of("install", RELEASE, Repo.chart().toString(), "--namespace", NAMESPACE, "--kubeconfig",
                plane.kubeconfig().toString()), Map.of()).requireSuccess();
        Rendered release = Rendered.parse(helm.run(List.of("get", "manifest", RELEASE, "--namespace", NAMESPACE,
                "--kubeconfig", plane.kubeconfig().toString()), Map.of()).requireSuccess().stdout());
        settings = OperatorProcess.settingsOf(release.get(Deployment.class, FULLNAME), NAMESPACE);
        assertThat(settings).as("the chart's defaults elect a leader").containsEntry("UDSPROXY_LEADER_ELECTION", "true");
        lease = settings.get("UDSPROXY_LEADER_ELECTION_LEASE");
        webhookTimeout = Duration.ofSeconds(release.get(MutatingWebhookConfiguration.class, FULLNAME + "-webhook")
                .getWebhooks().get(0).getTimeoutSeconds());
    }

    @AfterAll
    void uninstall() throws Exception {
        loads.forEach(Load::stop);
        for (OperatorProcess operator : started) {
            operator.close();
        }
        client.genericKubernetesResources(PROFILES).withName("handover-kill").delete();
        helm.run(List.of("uninstall", RELEASE, "--namespace", NAMESPACE, "--kubeconfig",
                plane.kubeconfig().toString()), Map.of());
        // The API server drops the admission policy from its cache a moment after the object is gone; the next test
        // class shares this API server, and its opted-in Pods must not meet a policy with no webhook behind it (seen:
        // ExamplesInstallIT refused "opted in to udsproxy but not injected" by this release's policy).
        Awaitility.await("the API server forgets the uninstalled policy").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).until(() -> !refusedByOurPolicy());
        for (String ns : List.of(NAMESPACE, APPS)) {
            client.namespaces().withName(ns).delete();
        }
    }

    /** A dry-run opted-in Pod in the apps namespace meets this release's "opted in but not injected" policy. */
    private boolean refusedByOurPolicy() {
        var pod = new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName("policy-probe")
                .addToLabels("udsproxy.dev/inject", "true").endMetadata().withNewSpec().addNewContainer()
                .withName("app").withImage("registry.example/app:1").endContainer().endSpec().build();
        try {
            client.pods().inNamespace(APPS).resource(pod).dryRun().create();
            return false;
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            return String.valueOf(e.getMessage()).contains(FULLNAME + "-require-sidecar");
        }
    }

    @Test
    void killedLeaderIsReplacedAfterTheLeaseTerminatedOneHandsOverAtOnceAdmissionsNeverFail() throws Exception {
        Map<String, OperatorProcess> replicas = new HashMap<>();
        for (String name : List.of(FULLNAME + "-a", FULLNAME + "-b")) {
            replicas.put(name, start(name));
        }
        for (OperatorProcess replica : replicas.values()) {
            replica.awaitReady(Duration.ofSeconds(120));
        }
        String leader = awaitHolder(h -> replicas.containsKey(h), Duration.ofSeconds(60));
        String follower = replicas.keySet().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        HttpClient https = https();
        Load leaderLoad = load(https, leader, replicas.get(leader));
        Load followerLoad = load(https, follower, replicas.get(follower));
        followerLoad.awaitAnswers(20);
        leaderLoad.awaitAnswers(20);
        int leaseSeconds = lease().getSpec().getLeaseDurationSeconds();

        // 1. SIGKILL: no release, the follower waits for the Lease to expire.
        Instant killed = Instant.now(); // before the signal: what fails from here on may be the kill's doing
        replicas.get(leader).kill();
        leaderLoad.stop();
        Instant lastRenew = lease().getSpec().getRenewTime().toInstant();
        createProfile("handover-kill");
        boolean sawProfileWithoutLeader = false;
        while (true) {
            // Profile first, Lease second: a status written by the new leader comes after its Lease write.
            boolean reconciled = status(profile("handover-kill")) != null;
            Lease now = lease();
            String holder = now.getSpec().getHolderIdentity();
            if (!leader.equals(holder)) {
                assertThat(holder).as("the follower takes the Lease").isEqualTo(follower);
                break;
            }
            assertThat(reconciled).as("the profile is reconciled while the Lease still names the killed leader:"
                    + " the follower reconciles without leading").isFalse();
            sawProfileWithoutLeader = true;
            assertThat(Duration.between(killed, Instant.now())).as("takeover after the kill")
                    .isLessThan(Duration.ofSeconds(leaseSeconds + 15));
            Thread.sleep(100);
        }
        Instant acquired = lease().getSpec().getAcquireTime().toInstant();
        Duration afterLastRenew = Duration.between(lastRenew, acquired);
        System.out.printf("SIGKILL of leader %s: %s took the Lease %d ms after the last renewal (lease %d s), %d ms"
                + " after the kill%n", leader, follower, afterLastRenew.toMillis(), leaseSeconds,
                Duration.between(killed, acquired).toMillis());
        assertThat(sawProfileWithoutLeader).as("the test saw the window without a leader").isTrue();
        // Not before the Lease expired (no two leaders), and at one of the follower's next retries (2 s, jitter 1.2).
        assertThat(afterLastRenew).isBetween(Duration.ofSeconds(leaseSeconds).minusMillis(500),
                Duration.ofSeconds(leaseSeconds + 5));
        awaitObservedGeneration("handover-kill", 1, "the new leader reconciles the profile created before it led");
        Map<String, Object> first = status(profile("handover-kill"));
        assertThat(first.get("sidecarMode")).as("nativeSidecar auto on Kubernetes 1.34, the effective value")
                .isEqualTo("native");

        // 2. SIGTERM: a rolling restart starts a new replica, then stops the leader, which releases the Lease.
        String third = FULLNAME + "-c";
        replicas.put(third, start(third));
        replicas.get(third).awaitReady(Duration.ofSeconds(120));
        Load thirdLoad = load(https, third, replicas.get(third));
        thirdLoad.awaitAnswers(20);
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(follower);

        Instant renewedBefore = lease().getSpec().getRenewTime().toInstant();
        Instant terminated = Instant.now();
        replicas.get(follower).terminate();
        Instant released = null;
        Instant lastRenewHeld = renewedBefore;
        while (true) {
            Lease now = lease();
            String holder = now.getSpec().getHolderIdentity();
            if (!follower.equals(holder)) {
                released = Instant.now();
                break;
            }
            lastRenewHeld = now.getSpec().getRenewTime().toInstant();
            assertThat(Duration.between(terminated, Instant.now())).as("the Lease handed over after SIGTERM")
                    .isLessThan(Duration.ofSeconds(leaseSeconds + 15));
            Thread.sleep(50);
        }
        String after = awaitHolder(third::equals, Duration.ofSeconds(leaseSeconds));
        Instant thirdAcquired = lease().getSpec().getAcquireTime().toInstant();
        int exit = replicas.get(follower).awaitExit(Duration.ofSeconds(30));
        followerLoad.stop();
        System.out.printf("SIGTERM of leader %s: Lease released %d ms after the signal; %s took it %d ms after the"
                + " signal (without the release: %d s after the last renewal); exit code %d%n", follower,
                Duration.between(terminated, released).toMillis(), after,
                Duration.between(terminated, thirdAcquired).toMillis(), leaseSeconds, exit);
        assertThat(released).as("released before the Lease would have expired")
                .isBefore(lastRenewHeld.plusSeconds(leaseSeconds));
        assertThat(thirdAcquired).as("taken over before the Lease would have expired")
                .isBefore(lastRenewHeld.plusSeconds(leaseSeconds));
        assertThat(replicas.get(follower).log()).contains("released Lease " + NAMESPACE + "/" + lease);

        client.genericKubernetesResources(PROFILES).withName("handover-kill").edit(p -> {
            spec(p).put("image", "registry.example/udsproxy/sidecar:handover");
            return p;
        });
        awaitObservedGeneration("handover-kill", 2, "the third replica, now leading, reconciles a change");
        assertThat(ready(status(profile("handover-kill")))).as("Ready stayed True: its lastTransitionTime stays")
                .containsEntry("status", "True")
                .containsEntry("lastTransitionTime", ready(first).get("lastTransitionTime"))
                .containsEntry("observedGeneration", 2);

        thirdLoad.stop();
        System.out.printf("admissions (SIGKILL at +%d ms, SIGTERM at +%d ms): %s%n",
                Duration.between(started0, killed).toMillis(), Duration.between(started0, terminated).toMillis(),
                String.join("; ", loads.stream().map(Load::toString).toList()));
        assertThat(leaderLoad.failuresBefore(killed)).as("the first leader, while alive").isEmpty();
        assertThat(followerLoad.failuresBefore(terminated)).as("the survivor of the SIGKILL").isEmpty();
        assertThat(thirdLoad.failures).as("the replica that took over after the SIGTERM").isEmpty();
        assertThat(followerLoad.answeredBetween(killed, acquired)).as("the survivor's answers while no one led")
                .isGreaterThan(10);
    }

    OperatorProcess start(String podName) throws Exception {
        Path home = Files.createDirectories(dir.resolve(podName));
        Map<String, String> env = new HashMap<>(settings);
        env.put("HOSTNAME", podName); // the Pod name, as the kubelet sets it: the Lease holder's identity
        OperatorProcess process = OperatorProcess.start(plane, token(), env, OperatorProcess.freePort(), home);
        started.add(process);
        return process;
    }

    String token() {
        return client.serviceAccounts().inNamespace(NAMESPACE).withName(FULLNAME)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
    }

    Lease lease() {
        return client.leases().inNamespace(NAMESPACE).withName(lease).get();
    }

    String awaitHolder(java.util.function.Predicate<String> wanted, Duration timeout) {
        return Awaitility.await("Lease " + NAMESPACE + "/" + lease + " held as wanted").atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    Lease l = lease();
                    return l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
                }, h -> h != null && wanted.test(h));
    }

    void createProfile(String name) {
        GenericKubernetesResource profile = new GenericKubernetesResource();
        profile.setApiVersion("udsproxy.dev/v1alpha1");
        profile.setKind("SidecarProfile");
        profile.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
        profile.setAdditionalProperty("spec", new HashMap<>(Map.of("image", "registry.example/udsproxy/sidecar:1")));
        client.genericKubernetesResources(PROFILES).resource(profile).create();
    }

    GenericKubernetesResource profile(String name) {
        return client.genericKubernetesResources(PROFILES).withName(name).get();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> status(GenericKubernetesResource profile) {
        return (Map<String, Object>) profile.getAdditionalProperties().get("status");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> spec(GenericKubernetesResource profile) {
        return (Map<String, Object>) profile.getAdditionalProperties().get("spec");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> ready(Map<String, Object> status) {
        return ((List<Map<String, Object>>) status.get("conditions")).stream()
                .filter(c -> "Ready".equals(c.get("type"))).findFirst().orElseThrow();
    }

    void awaitObservedGeneration(String name, long generation, String why) {
        Awaitility.await(why).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    Map<String, Object> status = status(profile(name));
                    return status != null && status.get("observedGeneration") instanceof Number n
                            && n.longValue() == generation;
                });
    }

    /** Trusts only the caBundle the operator wrote into the chart's webhook configuration, as the API server does. */
    HttpClient https() throws Exception {
        MutatingWebhookConfiguration webhook = Awaitility.await("the caBundle of the chart's webhook configuration")
                .atMost(Duration.ofSeconds(60)).until(() -> client.admissionRegistration().v1()
                        .mutatingWebhookConfigurations().withName(FULLNAME + "-webhook").get(),
                        w -> w != null && w.getWebhooks().stream().allMatch(h -> h.getClientConfig().getCaBundle() != null));
        byte[] pem = Base64.getDecoder().decode(webhook.getWebhooks().get(0).getClientConfig().getCaBundle());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
            trust.setCertificateEntry("ca" + i++, ca);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build();
    }

    Load load(HttpClient https, String name, OperatorProcess replica) {
        Load load = new Load(https, name, URI.create("https://127.0.0.1:" + replica.webhookPort + "/mutate-pods"),
                webhookTimeout, started0);
        loads.add(load);
        Thread thread = new Thread(load::run, "admissions-" + name);
        thread.setDaemon(true);
        thread.start();
        return load;
    }

    /**
     * AdmissionReviews to one replica, one after the other, about 10 a second; an answer that does not inject, or
     * none within the chart's webhook timeout, is a failure, as the API server would count it.
     */
    static final class Load {
        final HttpClient https;
        final String name;
        final URI url;
        final Duration timeout;
        final Instant origin;
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger answered = new AtomicInteger();
        final ConcurrentLinkedQueue<Instant> answers = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();

        record Failure(Instant at, String what) {
        }

        Load(HttpClient https, String name, URI url, Duration timeout, Instant origin) {
            this.https = https;
            this.name = name;
            this.url = url;
            this.timeout = timeout;
            this.origin = origin;
        }

        void run() {
            while (running.get()) {
                Instant sent = Instant.now();
                try {
                    String body = send(timeout);
                    if (injected(body)) {
                        if (answered.incrementAndGet() == 1) {
                            // From ready to the first answer: the operator warms its admission path up before it
                            // reports ready (AdmissionWarmUp); without, 4.5-8.4 s were measured here.
                            System.out.printf("%s: first AdmissionReview answered in %d ms%n", name,
                                    Duration.between(sent, Instant.now()).toMillis());
                        }
                        answers.add(sent);
                    } else {
                        failures.add(new Failure(Instant.now(), body));
                    }
                } catch (Exception e) {
                    // Timed when it failed: a request in flight when its replica is killed fails because of the kill.
                    if (running.get()) {
                        failures.add(new Failure(Instant.now(), e.getCause() != null ? e.getCause().toString()
                                : e.toString()));
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private String send(Duration wait) throws Exception {
            HttpResponse<String> response = https.sendAsync(HttpRequest.newBuilder(url)
                    .header("content-type", "application/json").timeout(wait)
                    .POST(HttpRequest.BodyPublishers.ofString(review())).build(),
                    HttpResponse.BodyHandlers.ofString()).get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return response.statusCode() == 200 ? response.body() : response.statusCode() + " " + response.body();
        }

        private static boolean injected(String body) {
            return body.contains("\"allowed\":true") && body.contains("\"patch\"");
        }

        void stop() {
            running.set(false);
        }

        void awaitAnswers(int count) {
            Awaitility.await(name + " answers AdmissionReviews").atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(answered.get()).as("answers; failures " + failures)
                            .isGreaterThanOrEqualTo(count));
        }

        List<Failure> failuresBefore(Instant instant) {
            return failures.stream().filter(f -> f.at().isBefore(instant)).toList();
        }

        long answeredBetween(Instant from, Instant to) {
            return answers.stream().filter(a -> a.isAfter(from) && a.isBefore(to)).count();
        }

        @Override
        public String toString() {
            return name + " " + answered.get() + " answered, " + failures.size() + " failed" + String.join("", failures
                    .stream().limit(5).map(f -> "\n  at +" + Duration.between(origin, f.at()).toMillis() + " ms: "
                            + f.what()).toList());
        }

        /** An opted-in Pod as a ReplicaSet creates it, with a fresh uid. */
        static String review() {
            return """
                    {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                     "request": {"uid": "%s",
                      "kind": {"group": "", "version": "v1", "kind": "Pod"},
                      "resource": {"group": "", "version": "v1", "resource": "pods"},
                      "namespace": "%s", "operation": "CREATE",
                      "userInfo": {"username": "system:serviceaccount:kube-system:replicaset-controller"},
                      "object": {"apiVersion": "v1", "kind": "Pod",
                       "metadata": {"generateName": "web-", "namespace": "%s",
                        "labels": {"app": "web", "udsproxy.dev/inject": "true"}},
                       "spec": {"containers": [{"name": "app", "image": "registry.example/web:1.4",
                        "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]}]}}}}
                    """.formatted(UUID.randomUUID(), APPS, APPS);
        }
    }
}
