package dev.udsproxy.operator.injection;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pure: a profile's {@code resources} over the defaults, per key, as a partial object merges in the Kubernetes API.
 * A profile that names only {@code requests.cpu} keeps the default memory request and limit. A default never
 * contradicts what the profile wrote: a default limit below the profile's request is raised to that request, a
 * default request above the profile's limit is lowered to that limit (what the API server does for a limit without
 * a request), so the merged block is always one the API server accepts.
 */
final class ResourceDefaults {

    private ResourceDefaults() {
    }

    static ResourceRequirements merge(ResourceRequirements defaults, ResourceRequirements profile) {
        if (profile == null) {
            return defaults;
        }
        Map<String, Quantity> requests = orEmpty(profile.getRequests());
        Map<String, Quantity> limits = orEmpty(profile.getLimits());
        Map<String, Quantity> mergedRequests = new TreeMap<>(requests);
        Map<String, Quantity> mergedLimits = new TreeMap<>(limits);
        orEmpty(defaults.getRequests()).forEach((name, value) -> {
            if (!requests.containsKey(name)) {
                Quantity limit = limits.get(name);
                mergedRequests.put(name, limit != null && above(value, limit) ? limit : value);
            }
        });
        orEmpty(defaults.getLimits()).forEach((name, value) -> {
            if (!limits.containsKey(name)) {
                Quantity request = requests.get(name);
                mergedLimits.put(name, request != null && above(request, value) ? request : value);
            }
        });
        return new ResourceRequirementsBuilder().withRequests(mergedRequests).withLimits(mergedLimits)
                .withClaims(profile.getClaims()).build();
    }

    private static boolean above(Quantity a, Quantity b) {
        return Quantity.getAmountInBytes(a).compareTo(Quantity.getAmountInBytes(b)) > 0;
    }

    private static Map<String, Quantity> orEmpty(Map<String, Quantity> map) {
        return map == null ? Map.of() : map;
    }
}
