package dev.udsproxy.operator.customresource;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** The sidecar's {@code UDSPROXY_ADMIN_SHUTDOWN}: whether its admin port accepts POST /quitquitquit. */
public enum AdminShutdown {
    /** Accepted from a loopback peer only (another container of the Pod, e.g. a Job's app when it is done). */
    @JsonProperty("loopback") LOOPBACK,
    /** Refused with 403. */
    @JsonProperty("off") OFF;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
