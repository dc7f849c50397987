package dev.udsproxy.operator.customresource;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Console log format: of the sidecar ({@code UDSPROXY_LOG_FORMAT} in its container) and of the operator itself. */
public enum LogFormat {
    @JsonProperty("text") TEXT,
    /** One JSON object a line, for log collectors that parse fields. */
    @JsonProperty("json") JSON;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
