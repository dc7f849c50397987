package dev.udsproxy.operator.customresource;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What happens to opted-in Pods found running without the sidecar. */
public enum CatchUpPolicy {
    @JsonProperty("report") REPORT,
    @JsonProperty("delete") DELETE
}
