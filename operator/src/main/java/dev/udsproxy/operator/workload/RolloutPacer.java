package dev.udsproxy.operator.workload;

import dev.udsproxy.operator.customresource.RolloutMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Which outdated workloads of one profile roll now, and when to look again: pure, so the pace is tested without a
 * cluster. The window is the last minute of rolls of this profile ({@link #recent}), kept by the caller.
 *
 * <p>Why a default of 20 a minute: a profile change (a `helm upgrade` that bumps the sidecar tag is one) otherwise
 * restarts every opted-in workload at once, which means a surge of new Pods, image pulls and readiness waits across
 * the whole cluster in the same seconds. 20 a minute bounds that to a rolling restart an admin would start by hand,
 * and still reaches a profile's 167 workloads (the scale benchmark's) in about 8.5 minutes. Each Deployment's own
 * maxSurge/maxUnavailable paces its Pods within that.
 */
public final class RolloutPacer {
    public static final int DEFAULT_MAX_WORKLOADS_PER_MINUTE = 20;
    private static final Duration WINDOW = Duration.ofMinutes(1);

    /** {@code roll}: the workloads to roll now, in the given order; {@code retryAfter}: null when none waits. */
    public record Plan<W>(List<W> roll, int waiting, Duration retryAfter) {
    }

    private final Deque<Instant> recent = new ArrayDeque<>();

    /**
     * @param outdated the profile's outdated workloads, in a stable order (namespace/name), so that the same ones
     *                 go first each round
     */
    public synchronized <W> Plan<W> plan(List<W> outdated, RolloutMode mode, Integer maxPerMinute, Instant now) {
        if (mode == RolloutMode.MANUAL) {
            return new Plan<>(List.of(), outdated.size(), null);
        }
        int max = maxPerMinute == null ? DEFAULT_MAX_WORKLOADS_PER_MINUTE : maxPerMinute;
        if (max == 0) {
            return new Plan<>(List.copyOf(outdated), 0, null);
        }
        while (!recent.isEmpty() && !recent.peekFirst().plus(WINDOW).isAfter(now)) {
            recent.removeFirst();
        }
        int budget = Math.max(0, max - recent.size());
        List<W> roll = List.copyOf(outdated.subList(0, Math.min(budget, outdated.size())));
        roll.forEach(w -> recent.addLast(now));
        int waiting = outdated.size() - roll.size();
        if (waiting == 0) {
            return new Plan<>(roll, 0, null);
        }
        // The next slot frees when the oldest roll of the window leaves it.
        Duration retry = Duration.between(now, recent.peekFirst().plus(WINDOW));
        return new Plan<>(roll, waiting, retry.isNegative() || retry.isZero() ? Duration.ofSeconds(1) : retry);
    }
}
