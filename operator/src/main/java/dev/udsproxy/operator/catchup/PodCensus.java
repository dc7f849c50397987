package dev.udsproxy.operator.catchup;

import dev.udsproxy.operator.customresource.SidecarProfile;
import dev.udsproxy.operator.injection.AdmitPod;
import dev.udsproxy.operator.injection.Annotations;
import dev.udsproxy.operator.injection.InjectionStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pure: sorts the Pods of one profile into injected (current hash), outdated (older hash)
 * and missing: Pods the webhook would inject today but that run without the sidecar, because
 * they were created while the webhook was unreachable or before it existed.
 */
public record PodCensus(int injected, int outdated, List<Pod> missing) {

    /** {@code admit}: the webhook's use case, which tells which Pods it would inject today. */
    public static PodCensus count(List<Pod> pods, String profile, String hash, AdmitPod admit) {
        int injected = 0;
        int outdated = 0;
        List<Pod> missing = new ArrayList<>();
        for (Pod pod : pods) {
            if (finished(pod)) {
                continue;
            }
            Map<String, String> annotations = Optional.ofNullable(pod.getMetadata().getAnnotations()).orElse(Map.of());
            Optional<InjectionStatus> status = InjectionStatus.parse(annotations.get(Annotations.STATUS));
            if (status.isPresent()) {
                if (status.get().profile().equals(profile)) {
                    if (status.get().hash().equals(hash)) {
                        injected++;
                    } else {
                        outdated++;
                    }
                }
                continue;
            }
            String wanted = annotations.getOrDefault(Annotations.PROFILE, SidecarProfile.DEFAULT_NAME);
            if (wanted.equals(profile) && admit.wouldInject(pod, pod.getMetadata().getNamespace())) {
                missing.add(pod);
            }
        }
        return new PodCensus(injected, outdated, List.copyOf(missing));
    }

    private static boolean finished(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase) || pod.getMetadata().getDeletionTimestamp() != null;
    }
}
