package dev.udsproxy.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Counts of Pods using the profile, as the profile reconciler last saw them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SidecarProfileStatus {
    public Long observedGeneration;
    public List<Condition> conditions = new ArrayList<>();
    /** Pods injected with this profile's current hash. */
    public Integer injectedPods;
    /** Pods injected with an older version of this profile: a rollout picks up the new one. */
    public Integer outdatedPods;
    /**
     * Workloads whose Pods do not all run this profile's current version yet: waiting for the paced rollout, or for
     * the user in rollout mode manual.
     */
    public Integer outdatedWorkloads;
    /** Pods that opted in but run without the sidecar (created while the webhook was unreachable). */
    public Integer missingPods;
    /** namespace/name of some missing Pods, for kubectl describe. */
    public List<String> missingPodNames;
    /**
     * How this profile's sidecar goes into Pods on this cluster: native or classic, spec.nativeSidecar (default auto)
     * resolved against the API server's version. The printer column shows it: auto alone says nothing.
     */
    public String sidecarMode;
}
