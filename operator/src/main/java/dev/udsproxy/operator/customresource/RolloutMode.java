package dev.udsproxy.operator.customresource;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Who restarts the workloads when a profile changes. */
public enum RolloutMode {
    /** The operator rolls them, at most spec.rollout.maxWorkloadsPerMinute. */
    @JsonProperty("auto") AUTO,
    /** The operator only marks them outdated (status, printer column, Event); the user restarts them. */
    @JsonProperty("manual") MANUAL
}
