package dev.udsproxy.contract;

/**
 * Whether the sidecar's admin port accepts {@code POST /quitquitquit} (start a drain). The admin port listens on all
 * addresses (the kubelet probes it from the node, Prometheus scrapes it from another Pod), so anyone who can reach
 * it could otherwise stop the Pod's traffic; the Pod's own containers reach it over loopback.
 */
public enum AdminShutdown implements WireValue {
    /** Accepted only from a loopback peer: the Pod's own containers (a Job's main container when it is done). */
    LOOPBACK(Names.LOOPBACK),
    /** Never accepted (403). */
    OFF(Names.OFF);

    /** The wire names as constants, for annotations ({@code @JsonProperty} on the CRD's enum). */
    public static final class Names {
        public static final String LOOPBACK = "loopback";
        public static final String OFF = "off";

        private Names() {
        }
    }

    private final String wireName;

    AdminShutdown(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException "expected loopback or off" */
    public static AdminShutdown parse(String value) {
        return WireValue.parse(AdminShutdown.class, value);
    }
}
