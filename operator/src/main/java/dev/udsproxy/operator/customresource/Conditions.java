package dev.udsproxy.operator.customresource;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;

/**
 * Pure, by the Kubernetes API conventions: a condition's lastTransitionTime is when its status last changed, not
 * when it was last computed. A status recomputed with the same value keeps the old time (reason and message follow
 * the latest computation).
 */
public final class Conditions {

    private Conditions() {
    }

    /** {@code next}, with the lastTransitionTime of the condition of its type in {@code previous} if the status is the same. */
    public static Condition carryTransitionTime(List<Condition> previous, Condition next) {
        if (previous == null) {
            return next;
        }
        return previous.stream()
                .filter(p -> next.getType().equals(p.getType()) && next.getStatus().equals(p.getStatus())
                        && p.getLastTransitionTime() != null)
                .findFirst()
                .map(p -> new ConditionBuilder(next).withLastTransitionTime(p.getLastTransitionTime()).build())
                .orElse(next);
    }
}
