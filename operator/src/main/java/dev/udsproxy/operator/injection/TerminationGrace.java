package dev.udsproxy.operator.injection;

import dev.udsproxy.contract.Defaults;
import dev.udsproxy.contract.Durations;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;

/**
 * The app's preStop runs first (the kubelet counts it in the grace period), then the sidecar drains on SIGTERM: not
 * ready but accepting for the shutdown grace, then open connections get the drain timeout. The kubelet kills after
 * terminationGracePeriodSeconds, so the Pod's must cover all three, or a drain is cut short by SIGKILL.
 */
final class TerminationGrace {
    /** The sidecar's own defaults (--shutdown-grace, --drain-timeout), used when the profile sets none. */
    static final Duration SIDECAR_SHUTDOWN_GRACE = Durations.parse(Defaults.SHUTDOWN_GRACE, true);
    static final Duration SIDECAR_DRAIN_TIMEOUT = Durations.parse(Defaults.DRAIN_TIMEOUT, true);
    /** For the JVM's own exit after the drain. */
    static final long MARGIN_SECONDS = 2;
    /** What Kubernetes applies when a Pod sets nothing. */
    static final long KUBERNETES_DEFAULT_SECONDS = 30;

    private TerminationGrace() {
    }

    /** Seconds from the Pod's deletion until the sidecar has exited, after an app preStop of that many seconds. */
    static long neededSeconds(ProfileSettings profile, long appPreStopSeconds) {
        Duration total = duration(profile.shutdownGrace(), SIDECAR_SHUTDOWN_GRACE)
                .plus(duration(profile.drainTimeout(), SIDECAR_DRAIN_TIMEOUT));
        // Whole seconds, rounded up: 500ms of drain still needs a second.
        return appPreStopSeconds + (total.toMillis() + 999) / 1000 + MARGIN_SECONDS;
    }

    /** Raises the Pod's terminationGracePeriodSeconds when it would end a drain early; never lowers it. */
    static void cover(Pod pod, ProfileSettings profile, long appPreStopSeconds, List<String> warnings) {
        long needed = neededSeconds(profile, appPreStopSeconds);
        Long set = pod.getSpec().getTerminationGracePeriodSeconds();
        long effective = set == null ? KUBERNETES_DEFAULT_SECONDS : set;
        if (effective >= needed) {
            return;
        }
        if (set != null) {
            warnings.add("terminationGracePeriodSeconds raised from " + set + " to " + needed + ": the app's preStop ("
                    + appPreStopSeconds + " s) + the udsproxy sidecar's shutdown grace + drain timeout (profile "
                    + profile.name() + ") + " + MARGIN_SECONDS + " s, so that the sidecar drains before SIGKILL");
        }
        pod.getSpec().setTerminationGracePeriodSeconds(needed);
    }

    /** The CRD admits only the contract's form; anything else leaves the sidecar's default in the sum. */
    static Duration duration(String value, Duration unset) {
        if (value == null) {
            return unset;
        }
        try {
            return Durations.parse(value.trim(), true);
        } catch (IllegalArgumentException e) {
            return unset;
        }
    }
}
