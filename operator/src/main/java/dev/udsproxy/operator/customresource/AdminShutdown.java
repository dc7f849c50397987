package dev.udsproxy.operator.customresource;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.udsproxy.contract.AdminShutdown.Names;

/** The sidecar's {@code UDSPROXY_ADMIN_SHUTDOWN}: whether its admin port accepts POST /quitquitquit. */
public enum AdminShutdown {
    /** Accepted from a loopback peer only (another container of the Pod, e.g. a Job's app when it is done). */
    @JsonProperty(Names.LOOPBACK) LOOPBACK(dev.udsproxy.contract.AdminShutdown.LOOPBACK),
    /** Refused with 403. */
    @JsonProperty(Names.OFF) OFF(dev.udsproxy.contract.AdminShutdown.OFF);

    private final dev.udsproxy.contract.AdminShutdown contract;

    AdminShutdown(dev.udsproxy.contract.AdminShutdown contract) {
        this.contract = contract;
    }

    public String wireName() {
        return contract.wireName();
    }

    /** Exhaustive: a value the contract gains fails this compile until the CRD has it. */
    public static AdminShutdown of(dev.udsproxy.contract.AdminShutdown value) {
        return switch (value) {
            case LOOPBACK -> LOOPBACK;
            case OFF -> OFF;
        };
    }
}
