package dev.udsproxy.operator.webhook;

import dev.udsproxy.operator.injection.InjectionDecision.Outcome;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Counts every admission in Micrometer ({@code udsproxy_admissions_total}, a latency histogram) and records an
 * Event on the Pod's owner. Events go through a bounded queue on one thread: the event
 * loop that answered the API server must not wait on another API call.
 */
@ApplicationScoped
public class AdmissionReporter {
    private static final Logger LOG = Logger.getLogger(AdmissionReporter.class);
    /** Skips that happen on every reinvocation or for Pods that never asked: an Event each would be noise. */
    /** Exposed as {@code udsproxy_admission_duration_seconds_bucket/_count/_sum}. */
    public static final String LATENCY_METRIC = "udsproxy.admission.duration";
    /** Upper bounds from 1 ms (a warm in-memory answer) up to the 5 s the API server waits (timeoutSeconds). */
    static final Duration[] LATENCY_BUCKETS = Stream.of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
            .map(Duration::ofMillis).toArray(Duration[]::new);
    private static final Set<Outcome> QUIET = Set.of(Outcome.SKIP_ALREADY_INJECTED, Outcome.SKIP_NO_OPT_IN);

    private final KubernetesClient client;
    private final MeterRegistry registry;
    private final Timer latency;
    private final Counter droppedEvents;
    private final ThreadPoolExecutor events = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1000), r -> new Thread(r, "udsproxy-admission-events"),
            new ThreadPoolExecutor.DiscardPolicy());

    public AdmissionReporter(KubernetesClient client, MeterRegistry registry) {
        this.client = client;
        this.registry = registry;
        // Buckets, not client-side quantiles: Prometheus sums buckets across replicas, quantiles cannot be summed.
        this.latency = Timer.builder(LATENCY_METRIC)
                .description("Time to answer one AdmissionReview, decode to encode")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
        this.droppedEvents = Counter.builder("udsproxy.admission.events.dropped").register(registry);
    }

    public void report(AdmissionOutcome outcome, long nanos) {
        latency.record(nanos, TimeUnit.NANOSECONDS);
        String decision = outcome.decision() == null ? "NONE" : outcome.decision().outcome().name();
        registry.counter("udsproxy.admissions", "result", outcome.result().name(), "decision", decision).increment();
        if (outcome.dryRun() || outcome.pod() == null
                || (outcome.decision() != null && QUIET.contains(outcome.decision().outcome()))) {
            return;
        }
        if (events.getQueue().remainingCapacity() == 0) {
            droppedEvents.increment();
            return;
        }
        events.execute(() -> record(outcome));
    }

    private void record(AdmissionOutcome outcome) {
        String reason = switch (outcome.result()) {
            case INJECTED -> "Injected";
            case SKIPPED -> "InjectionSkipped";
            default -> "InjectionRefused";
        };
        ObjectReference owner = owner(outcome.pod(), outcome.namespace());
        String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now().atOffset(ZoneOffset.UTC));
        try {
            client.v1().events().inNamespace(outcome.namespace()).resource(new EventBuilder()
                    .withNewMetadata().withGenerateName(owner.getName() + ".").endMetadata()
                    .withInvolvedObject(owner)
                    .withReason(reason)
                    .withMessage(message(outcome))
                    .withType(outcome.result() == AdmissionOutcome.Result.REFUSED ? "Warning" : "Normal")
                    .withNewSource().withComponent("udsproxy-operator").endSource()
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .build()).create();
        } catch (RuntimeException e) {
            LOG.warnf("could not record Event %s on %s/%s: %s", reason, owner.getKind(), owner.getName(), e.getMessage());
        }
    }

    private static String message(AdmissionOutcome outcome) {
        String pod = podName(outcome.pod());
        return switch (outcome.result()) {
            case INJECTED -> "udsproxy sidecar injected into Pod " + pod + ": " + outcome.message() + warnings(outcome);
            case SKIPPED -> "Pod " + pod + " not injected (" + outcome.decision().outcome() + "): " + outcome.message();
            default -> "Pod " + pod + " refused: " + outcome.message();
        };
    }

    /** Admission warnings reach only the client that created the Pod (a controller): repeat them here. */
    private static String warnings(AdmissionOutcome outcome) {
        var warnings = outcome.review().path("response").path("warnings");
        if (warnings.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder("; warning:");
        warnings.forEach(w -> text.append(' ').append(w.asText()));
        return text.toString();
    }

    /** The controller that made the Pod (a ReplicaSet, a Job...), where users look; else the Pod itself. */
    static ObjectReference owner(Pod pod, String namespace) {
        for (OwnerReference ref : pod.getMetadata().getOwnerReferences()) {
            if (Boolean.TRUE.equals(ref.getController())) {
                return new ObjectReferenceBuilder().withApiVersion(ref.getApiVersion()).withKind(ref.getKind())
                        .withName(ref.getName()).withUid(ref.getUid()).withNamespace(namespace).build();
            }
        }
        return new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod").withName(podName(pod))
                .withNamespace(namespace).build();
    }

    private static String podName(Pod pod) {
        String name = pod.getMetadata().getName();
        return name != null ? name : pod.getMetadata().getGenerateName() + "*";
    }

    @PreDestroy
    void stop() {
        events.shutdown();
    }
}
