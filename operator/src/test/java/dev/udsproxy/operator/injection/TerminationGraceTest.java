package dev.udsproxy.operator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TerminationGraceTest {

    @ParameterizedTest(name = "preStop={0} grace={1} drain={2} pod={3} -> {4}")
    @CsvSource(nullValues = "-", value = {
        // The app's default preStop and the sidecar's defaults (5 s + 3s + 20s + 2s) fit Kubernetes' default 30 s.
        "5, -,          -,    -,  -,  false",
        "6, -,          -,    -,  31, false",
        "0, 5s,         30s,  -,  37, false",
        "5, 5s,         30s,  -,  42, false",
        "0, 500ms,      1s,   -,  -,  false",
        "0, 5s,         30s,  60, 60, false",
        "0, 5s,         30s,  10, 37, true",
        "0, 0s,         90s,  -,  92, false",
        "0, 999999999h, 0s,   -,  315360002, false",
    })
    void thePodsGracePeriodCoversPreStopPlusShutdownGracePlusDrain(long preStop, String grace, String drain,
            Long podSeconds, Long expected, boolean warned) {
        SidecarProfileSpec spec = new SidecarProfileSpec();
        spec.drain = new SidecarProfileSpec.Drain();
        spec.drain.shutdownGrace = grace;
        spec.drain.timeout = drain;
        ProfileSettings profile = ProfileSettings.from("p", spec);
        Pod pod = new PodBuilder().withNewSpec().withTerminationGracePeriodSeconds(podSeconds).endSpec().build();
        List<String> warnings = new ArrayList<>();

        TerminationGrace.cover(pod, profile, preStop, warnings);

        assertThat(pod.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(expected);
        assertThat(warnings).hasSize(warned ? 1 : 0);
        if (warned) {
            assertThat(warnings.get(0)).contains("terminationGracePeriodSeconds raised from 10 to 37")
                    .contains("preStop (0 s)");
        }
    }
}
