package dev.udsproxy.sidecar.metrics;

import java.util.Locale;

/** Inbound: cluster TCP client to the app's socket. Egress: the app's socket connection to a TCP service. */
public enum Direction {
    INBOUND, EGRESS;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
