package dev.udsproxy.operator.webhook;

/** A request body that is not an admission.k8s.io/v1 AdmissionReview: answered with HTTP 400 and this reason. */
public final class MalformedReviewException extends RuntimeException {
    public MalformedReviewException(String reason) {
        super(reason);
    }
}
