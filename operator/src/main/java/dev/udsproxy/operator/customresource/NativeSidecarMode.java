package dev.udsproxy.operator.customresource;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether the sidecar is injected as a native sidecar (initContainer, restartPolicy Always). */
public enum NativeSidecarMode {
    @JsonProperty("auto") AUTO,
    @JsonProperty("always") ALWAYS,
    @JsonProperty("never") NEVER
}
