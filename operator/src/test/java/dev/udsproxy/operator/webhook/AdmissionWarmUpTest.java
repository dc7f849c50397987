package dev.udsproxy.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.operator.certificates.CertificatePlanner;
import dev.udsproxy.operator.certificates.CertificatePlanner.Action;
import dev.udsproxy.operator.certificates.CertificatePlanner.Plan;
import dev.udsproxy.operator.injection.GoldenContext;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The warm-up runs the mutation and real TLS handshakes, and leaves no trace: no reported admission, no lookup. */
class AdmissionWarmUpTest {

    @Test
    void injectsInProcessShakesHandsOnTheRealListenerAndReportsNothing() {
        Vertx vertx = Vertx.vertx();
        List<AdmissionOutcome> reported = new CopyOnWriteArrayList<>();
        AtomicInteger lookups = new AtomicInteger();
        GoldenContext cluster = new GoldenContext() {
            @Override
            public Map<String, String> namespaceLabels(String namespace) {
                lookups.incrementAndGet(); // in the operator, a namespace missing from the cache is a GET
                return super.namespaceLabels(namespace);
            }
        };
        var certificates = new CertificatePlanner(new CertificatePlanner.Settings(List.of("webhook.test.svc"), List.of(),
                Duration.ofDays(365), Duration.ofDays(30))).apply(new Plan(Action.NEW_CA, "test"), Optional.empty(),
                Instant.now());
        WebhookServer server = new WebhookServer(vertx, new AdmissionHandler(cluster), (o, nanos) -> reported.add(o));
        try {
            int port = server.start("127.0.0.1", 0, certificates.material());

            assertThat(AdmissionWarmUp.run(cluster, vertx, "0.0.0.0", port)).as("ran through, mutation included")
                    .isTrue();
            assertThat(reported).as("no admission reported: no metric, no Event").isEmpty();
            assertThat(lookups).as("the made-up namespace is not looked up").hasValue(0);
            assertThat(AdmissionWarmUp.run(cluster, vertx, "127.0.0.1", 1)).as("nothing listens: logged, not thrown")
                    .isFalse();
        } finally {
            server.close();
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
