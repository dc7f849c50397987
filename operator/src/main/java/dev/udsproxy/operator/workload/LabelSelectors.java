package dev.udsproxy.operator.workload;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Pure: whether labels match a workload's selector, as the API server matches them (for lookups in a cache). */
public final class LabelSelectors {
    private LabelSelectors() {
    }

    public static boolean matches(LabelSelector selector, Map<String, String> labels) {
        Map<String, String> have = Objects.requireNonNullElse(labels, Map.of());
        if (selector == null) {
            return false; // a workload always has one; none selects nothing rather than everything
        }
        if (!have.entrySet().containsAll(Objects.requireNonNullElse(selector.getMatchLabels(),
                Map.<String, String>of()).entrySet())) {
            return false;
        }
        for (LabelSelectorRequirement r : Objects.requireNonNullElse(selector.getMatchExpressions(),
                List.<LabelSelectorRequirement>of())) {
            List<String> values = Objects.requireNonNullElse(r.getValues(), List.of());
            boolean ok = switch (r.getOperator()) {
                case "In" -> have.containsKey(r.getKey()) && values.contains(have.get(r.getKey()));
                case "NotIn" -> !have.containsKey(r.getKey()) || !values.contains(have.get(r.getKey()));
                case "Exists" -> have.containsKey(r.getKey());
                case "DoesNotExist" -> !have.containsKey(r.getKey());
                default -> throw new IllegalArgumentException("unknown label selector operator " + r.getOperator()
                        + " on key " + r.getKey() + ": allowed are In, NotIn, Exists, DoesNotExist");
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
