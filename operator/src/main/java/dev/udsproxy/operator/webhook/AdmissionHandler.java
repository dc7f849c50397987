package dev.udsproxy.operator.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.udsproxy.operator.injection.AdmitPod;
import dev.udsproxy.operator.injection.InjectionContext;
import dev.udsproxy.operator.injection.InjectionDecision;
import dev.udsproxy.operator.injection.Mutation;
import dev.udsproxy.operator.injection.PodPatch;
import dev.udsproxy.operator.webhook.AdmissionOutcome.Result;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Base64;
import java.util.List;

/**
 * AdmissionReview in, AdmissionReview out, no I/O: the HTTP side of {@link AdmitPod}. Decode, echo the uid, admit,
 * diff the result against the object as sent. A body that is not a review throws {@link MalformedReviewException}; a
 * Pod that cannot be judged ({@link AdmittedPod}) is allowed unchanged; everything else, bugs included, becomes an
 * answer, so the API server always hears a reason.
 */
public final class AdmissionHandler {
    private static final String API_VERSION = "admission.k8s.io/v1";

    private final AdmitPod admit;

    public AdmissionHandler(InjectionContext context) {
        this.admit = new AdmitPod(context);
    }

    public AdmissionOutcome handle(JsonNode review) {
        JsonNode request = validRequest(review);
        String uid = request.get("uid").asText();
        String namespace = request.path("namespace").asText("");
        boolean dryRun = request.path("dryRun").asBoolean(false);
        JsonNode object = request.get("object");
        if (!"Pod".equals(request.path("kind").path("kind").asText()) || !"CREATE".equals(
                request.path("operation").asText()) || object == null || !object.isObject()) {
            return new AdmissionOutcome(allowed(uid, null, List.of()), Result.IGNORED, null,
                    "not a Pod creation", null, namespace, dryRun);
        }
        return switch (AdmittedPod.read(object)) {
            // Let through as sent: the API server's validation refuses it with a message naming the field.
            case AdmittedPod.Unjudgeable(String reason) -> new AdmissionOutcome(allowed(uid, null, List.of()),
                    Result.IGNORED, null, "cannot be judged, left to the API server's validation: " + reason, null,
                    namespace, dryRun);
            case AdmittedPod.Judgeable(Pod pod) -> judge(uid, namespace, object, pod, dryRun);
        };
    }

    private AdmissionOutcome judge(String uid, String namespace, JsonNode object, Pod pod, boolean dryRun) {
        try {
            return switch (admit.admit(pod, namespace)) {
                case AdmitPod.Injected(InjectionDecision decision, Mutation mutation) -> new AdmissionOutcome(
                        allowed(uid, PodPatch.diff(object, mutation.pod()), mutation.warnings()), Result.INJECTED,
                        decision, decision.reason(), pod, namespace, dryRun);
                case AdmitPod.Skipped(InjectionDecision decision) -> new AdmissionOutcome(allowed(uid, null, List.of()),
                        Result.SKIPPED, decision, decision.reason(), pod, namespace, dryRun);
                case AdmitPod.Refused(InjectionDecision decision, String message) -> new AdmissionOutcome(
                        refused(uid, 422, "Invalid", message), Result.REFUSED, null, message, pod, namespace, dryRun);
            };
        } catch (RuntimeException e) {
            // A bug: still an answer with the reason (the fuzz test checks that none is reached).
            String message = "udsproxy could not inject the sidecar: " + e;
            return new AdmissionOutcome(refused(uid, 500, "InternalError", message), Result.REFUSED, null,
                    message, pod, namespace, dryRun);
        }
    }

    private static JsonNode validRequest(JsonNode review) {
        if (review == null || !review.isObject()) {
            throw new MalformedReviewException("the body is not a JSON object");
        }
        if (!API_VERSION.equals(review.path("apiVersion").asText()) || !"AdmissionReview".equals(
                review.path("kind").asText())) {
            throw new MalformedReviewException("expected apiVersion " + API_VERSION + " and kind AdmissionReview, got "
                    + review.path("apiVersion").asText("none") + " " + review.path("kind").asText("none"));
        }
        JsonNode request = review.get("request");
        if (request == null || !request.isObject() || !request.path("uid").isTextual()
                || request.get("uid").asText().isEmpty()) {
            throw new MalformedReviewException("the AdmissionReview has no request with a uid");
        }
        return request;
    }

    private static ObjectNode envelope(String uid, boolean allowed) {
        ObjectNode review = JsonNodeFactory.instance.objectNode()
                .put("apiVersion", API_VERSION).put("kind", "AdmissionReview");
        review.putObject("response").put("uid", uid).put("allowed", allowed);
        return review;
    }

    private static ObjectNode allowed(String uid, JsonNode patch, List<String> warnings) {
        ObjectNode review = envelope(uid, true);
        ObjectNode response = (ObjectNode) review.get("response");
        if (patch != null && !patch.isEmpty()) {
            response.put("patchType", "JSONPatch");
            response.put("patch", Base64.getEncoder().encodeToString(JsonBytes.of(patch)));
        }
        if (!warnings.isEmpty()) {
            warnings.forEach(response.putArray("warnings")::add);
        }
        return review;
    }

    private static ObjectNode refused(String uid, int code, String reason, String message) {
        ObjectNode review = envelope(uid, false);
        ((ObjectNode) review.get("response")).putObject("status")
                .put("code", code).put("reason", reason).put("message", message);
        return review;
    }
}
