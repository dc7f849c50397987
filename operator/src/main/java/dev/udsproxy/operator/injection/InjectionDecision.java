package dev.udsproxy.operator.injection;

/** Whether a Pod gets the sidecar, and why: the reason ends up in an Event and a metric label. */
public record InjectionDecision(Outcome outcome, String reason) {

    public enum Outcome {
        INJECT,
        SKIP_OPT_OUT,
        SKIP_ALREADY_INJECTED,
        SKIP_NAMESPACE_EXCLUDED,
        SKIP_HOST_NETWORK,
        SKIP_NO_OPT_IN
    }

    public boolean inject() {
        return outcome == Outcome.INJECT;
    }

    static InjectionDecision of(Outcome outcome, String reason) {
        return new InjectionDecision(outcome, reason);
    }
}
