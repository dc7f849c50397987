package dev.udsproxy.operator.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.udsproxy.operator.injection.InjectionDecision;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * The answer to one AdmissionReview plus what the I/O side reports about it (Event, metric).
 * {@code decision} is null when the Pod was refused, cannot be judged, or the request was not a Pod creation;
 * {@code pod} is null in the last two cases.
 * A dry run must have no side effects, so it gets no Event.
 */
public record AdmissionOutcome(ObjectNode review, Result result, InjectionDecision decision, String message,
        Pod pod, String namespace, boolean dryRun) {

    public enum Result {
        INJECTED, SKIPPED, REFUSED, IGNORED
    }
}
