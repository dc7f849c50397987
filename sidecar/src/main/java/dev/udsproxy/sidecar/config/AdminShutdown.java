package dev.udsproxy.sidecar.config;

import java.util.Locale;

/**
 * Whether the admin port's {@code POST /quitquitquit} may start a drain. The admin port listens on all addresses
 * (the kubelet probes it from the node, Prometheus scrapes it from another Pod), so anyone who can reach it could
 * otherwise stop the Pod's traffic; the Pod's own containers reach it over loopback.
 */
public enum AdminShutdown {
    /** Accepted only from a loopback peer: the Pod's own containers (a Job's main container when it is done). */
    LOOPBACK,
    /** Never accepted. */
    OFF;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static AdminShutdown parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "loopback" -> LOOPBACK;
            case "off" -> OFF;
            default -> throw new ConfigException(Setting.ADMIN_SHUTDOWN, value, "expected loopback or off");
        };
    }
}
