package dev.udsproxy.operator.webhook;

import dev.udsproxy.operator.events.EventRecorder;
import dev.udsproxy.operator.injection.InjectionDecision.Outcome;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Counts every admission in Micrometer ({@code udsproxy_admissions_total}, a latency histogram) and records an
 * Event on the Pod's owner, aggregated per owner and reason ({@link EventRecorder}: the Pods of one ReplicaSet add to
 * one Event's count). Recording only adds to a map: the event loop that answered the API server never waits on
 * another API call.
 */
@ApplicationScoped
public class AdmissionReporter {
    /** Exposed as {@code udsproxy_admission_duration_seconds_bucket/_count/_sum}. */
    public static final String LATENCY_METRIC = "udsproxy.admission.duration";
    /** Upper bounds from 1 ms (a warm in-memory answer) up to the 5 s the API server waits (timeoutSeconds). */
    static final Duration[] LATENCY_BUCKETS = Stream.of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
            .map(Duration::ofMillis).toArray(Duration[]::new);
    /** Skips that happen on every reinvocation or for Pods that never asked: an Event each would be noise. */
    private static final Set<Outcome> QUIET = Set.of(Outcome.SKIP_ALREADY_INJECTED, Outcome.SKIP_NO_OPT_IN);

    private final EventRecorder events;
    private final MeterRegistry registry;
    private final Timer latency;

    public AdmissionReporter(EventRecorder events, MeterRegistry registry) {
        this.events = events;
        this.registry = registry;
        // Buckets, not client-side quantiles: Prometheus sums buckets across replicas, quantiles cannot be summed.
        this.latency = Timer.builder(LATENCY_METRIC)
                .description("Time to answer one AdmissionReview, decode to encode")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    }

    public void report(AdmissionOutcome outcome, long nanos) {
        latency.record(nanos, TimeUnit.NANOSECONDS);
        String decision = outcome.decision() == null ? "NONE" : outcome.decision().outcome().name();
        registry.counter("udsproxy.admissions", "result", outcome.result().name(), "decision", decision).increment();
        if (outcome.dryRun() || outcome.pod() == null
                || (outcome.decision() != null && QUIET.contains(outcome.decision().outcome()))) {
            return;
        }
        record(outcome);
    }

    private void record(AdmissionOutcome outcome) {
        String reason = switch (outcome.result()) {
            case INJECTED -> "Injected";
            case SKIPPED -> "InjectionSkipped";
            default -> "InjectionRefused";
        };
        events.record(owner(outcome.pod(), outcome.namespace()), outcome.namespace(),
                outcome.result() == AdmissionOutcome.Result.REFUSED ? "Warning" : "Normal", reason, message(outcome));
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
}
