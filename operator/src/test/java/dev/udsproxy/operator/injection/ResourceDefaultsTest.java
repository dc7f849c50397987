package dev.udsproxy.operator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceDefaultsTest {
    static final ResourceRequirements DEFAULTS = ProfileSettings.from("default", null).resources();

    static ResourceRequirements of(Map<String, String> requests, Map<String, String> limits) {
        var b = new ResourceRequirementsBuilder();
        requests.forEach((k, v) -> b.addToRequests(k, new Quantity(v)));
        limits.forEach((k, v) -> b.addToLimits(k, new Quantity(v)));
        return b.build();
    }

    static ProfileSettings profile(ResourceRequirements resources) {
        SidecarProfileSpec spec = new SidecarProfileSpec();
        spec.resources = resources;
        return ProfileSettings.from("p", spec);
    }

    @Test
    void theDefaultsWithoutResources() {
        assertThat(DEFAULTS).isEqualTo(of(Map.of("cpu", "20m", "memory", "64Mi"), Map.of("memory", "256Mi")));
    }

    @Test
    void onlyRequestsCpuKeepsTheDefaultMemoryRequestAndLimit() {
        ResourceRequirements merged = profile(of(Map.of("cpu", "100m"), Map.of())).resources();

        assertThat(merged).isEqualTo(of(Map.of("cpu", "100m", "memory", "64Mi"), Map.of("memory", "256Mi")));
    }

    @Test
    void aFullBlockIsTakenAsIs() {
        // So its hash is what it was before per-key merging (golden case profile-settings pins it): no roll on upgrade.
        ResourceRequirements full = of(Map.of("cpu", "50m", "memory", "96Mi"), Map.of("cpu", "500m", "memory", "160Mi"));

        assertThat(ResourceDefaults.merge(DEFAULTS, full)).isEqualTo(full);
    }

    @Test
    void aDefaultLimitBelowTheProfilesRequestIsRaisedToIt() {
        ResourceRequirements merged = profile(of(Map.of("memory", "512Mi"), Map.of())).resources();

        assertThat(merged).isEqualTo(of(Map.of("cpu", "20m", "memory", "512Mi"), Map.of("memory", "512Mi")));
    }

    @Test
    void aDefaultRequestAboveTheProfilesLimitIsLoweredToIt() {
        ResourceRequirements merged = profile(of(Map.of(), Map.of("memory", "32Mi", "cpu", "1"))).resources();

        assertThat(merged).isEqualTo(of(Map.of("cpu", "20m", "memory", "32Mi"), Map.of("cpu", "1", "memory", "32Mi")));
    }

    @Test
    void anEmptyBlockIsTheDefaults() {
        assertThat(profile(new ResourceRequirements()).resources()).isEqualTo(DEFAULTS);
    }
}
