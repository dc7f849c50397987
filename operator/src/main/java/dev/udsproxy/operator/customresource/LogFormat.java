package dev.udsproxy.operator.customresource;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.udsproxy.contract.LogFormat.Names;

/** Console log format: of the sidecar ({@code UDSPROXY_LOG_FORMAT} in its container) and of the operator itself. */
public enum LogFormat {
    @JsonProperty(Names.TEXT) TEXT(dev.udsproxy.contract.LogFormat.TEXT),
    /** One JSON object a line, for log collectors that parse fields. */
    @JsonProperty(Names.JSON) JSON(dev.udsproxy.contract.LogFormat.JSON);

    private final dev.udsproxy.contract.LogFormat contract;

    LogFormat(dev.udsproxy.contract.LogFormat contract) {
        this.contract = contract;
    }

    public String wireName() {
        return contract.wireName();
    }

    /** Exhaustive: a value the contract gains fails this compile until the CRD has it. */
    public static LogFormat of(dev.udsproxy.contract.LogFormat value) {
        return switch (value) {
            case TEXT -> TEXT;
            case JSON -> JSON;
        };
    }
}
