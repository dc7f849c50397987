package dev.udsproxy.operator.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import dev.udsproxy.operator.injection.ClusterFeatures;
import dev.udsproxy.operator.injection.InjectionContext;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs the admission path before the replica reports ready. A fresh operator JVM answered its first AdmissionReview
 * after 4.5-8.4 s on a busy 2-core machine (LeaderHandoverIT): class loading and interpreted code in JSON, the
 * mutation, the patch and TLS. That is beyond the chart's 5 s webhook timeout, so the first Pods the API server sends
 * to a replica new in a rolling restart would be refused. Nothing leaves the JVM: the reviews are handled in process
 * (no Event, no metric), and the TLS handshakes go to this server's own port over loopback.
 */
final class AdmissionWarmUp {
    private static final Logger LOG = Logger.getLogger(AdmissionWarmUp.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REVIEWS = 20;
    private static final int HANDSHAKES = 3;
    /** An opted-in Pod as a ReplicaSet creates it; in no real namespace, and a dry run. */
    private static final String REVIEW = """
            {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
             "request": {"uid": "00000000-0000-4000-8000-000000000000",
              "kind": {"group": "", "version": "v1", "kind": "Pod"},
              "resource": {"group": "", "version": "v1", "resource": "pods"},
              "namespace": "udsproxy-warm-up", "operation": "CREATE", "dryRun": true,
              "userInfo": {"username": "system:serviceaccount:kube-system:replicaset-controller"},
              "object": {"apiVersion": "v1", "kind": "Pod",
               "metadata": {"generateName": "warm-up-", "namespace": "udsproxy-warm-up",
                "labels": {"udsproxy.dev/inject": "true"}, "annotations": {"udsproxy.dev/egress": "api=api.warm-up:9000"}},
               "spec": {"containers": [{"name": "app", "image": "app:1",
                "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}}}]}}}}
            """;

    private AdmissionWarmUp() {
    }

    /**
     * Never fails the start: a warm-up that goes wrong only leaves the first answers slow (logged). True when it ran
     * through, the mutation included.
     */
    static boolean run(InjectionContext context, Vertx vertx, String host, int port) {
        long start = System.nanoTime();
        try {
            AdmissionHandler handler = new AdmissionHandler(offline(context));
            JsonNode review = JSON.readTree(REVIEW);
            for (int i = 0; i < REVIEWS; i++) {
                AdmissionOutcome outcome = handler.handle(review);
                if (outcome.result() != AdmissionOutcome.Result.INJECTED) {
                    throw new IllegalStateException("the made-up Pod was not injected: " + outcome.review());
                }
                JSON.writeValueAsString(outcome.review());
            }
            long handled = System.nanoTime();
            handshakes(vertx, host, port);
            LOG.infof("admission path warmed up in %d ms (%d reviews in process, then %d TLS handshakes in %d ms)",
                    Duration.ofNanos(System.nanoTime() - start).toMillis(), REVIEWS, HANDSHAKES,
                    Duration.ofNanos(System.nanoTime() - handled).toMillis());
            return true;
        } catch (Exception e) {
            LOG.warnf("admission warm-up failed (the first admissions may be slow): %s", e.toString());
            return false;
        }
    }

    /** The cluster as the caches see it, but the made-up namespace is not asked for (the real context would GET it). */
    private static InjectionContext offline(InjectionContext context) {
        return new InjectionContext() {
            @Override
            public String operatorNamespace() {
                return context.operatorNamespace();
            }

            @Override
            public List<String> excludedNamespaces() {
                return context.excludedNamespaces();
            }

            @Override
            public Map<String, String> namespaceLabels(String namespace) {
                return Map.of();
            }

            @Override
            public Optional<SidecarProfileSpec> profile(String name) {
                return context.profile(name);
            }

            @Override
            public List<String> profileNames() {
                return context.profileNames();
            }

            @Override
            public ClusterFeatures clusterFeatures() {
                return context.clusterFeatures();
            }
        };
    }

    /**
     * Server-side TLS and HTTP on the real listener. The client trusts anything: it calls this very process on
     * loopback, sends nothing of value (a GET the router answers 404), and the serving certificate need not name
     * the loopback address.
     */
    private static void handshakes(Vertx vertx, String host, int port) throws Exception {
        String target = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        var client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true)
                .setVerifyHost(false).setKeepAlive(false));
        try {
            for (int i = 0; i < HANDSHAKES; i++) {
                client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(target).setPort(port)
                        .setURI("/warm-up"))
                        .compose(request -> request.send().compose(response -> response.body()))
                        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        } finally {
            client.close();
        }
    }
}
