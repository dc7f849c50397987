package dev.udsproxy.operator.injection;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The app's preStop runs first (the kubelet counts it in the grace period), then the sidecar drains on SIGTERM: not
 * ready but accepting for the shutdown grace, then open connections get the drain timeout. The kubelet kills after
 * terminationGracePeriodSeconds, so the Pod's must cover all three, or a drain is cut short by SIGKILL.
 */
final class TerminationGrace {
    /** The sidecar's own defaults (--shutdown-grace, --drain-timeout), used when the profile sets none. */
    static final Duration SIDECAR_SHUTDOWN_GRACE = Duration.ofSeconds(3);
    static final Duration SIDECAR_DRAIN_TIMEOUT = Duration.ofSeconds(20);
    /** For the JVM's own exit after the drain. */
    static final long MARGIN_SECONDS = 2;
    /** What Kubernetes applies when a Pod sets nothing. */
    static final long KUBERNETES_DEFAULT_SECONDS = 30;
    /** The sidecar counts longer durations as this (sidecar config Limits.MAX_DURATION). */
    private static final Duration SIDECAR_MAX = Duration.ofDays(3650);
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

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

    /** The CRD admits only this form; anything else leaves the sidecar's default in the sum. */
    static Duration duration(String value, Duration unset) {
        if (value == null) {
            return unset;
        }
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            return unset;
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        return d.compareTo(SIDECAR_MAX) > 0 ? SIDECAR_MAX : d;
    }
}
