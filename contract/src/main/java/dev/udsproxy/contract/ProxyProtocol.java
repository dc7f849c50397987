package dev.udsproxy.contract;

/** Whether, and in which version, a PROXY protocol header precedes the client's bytes on the app's socket. */
public enum ProxyProtocol implements WireValue {
    OFF(Names.OFF), V1(Names.V1), V2(Names.V2);

    /** The wire names as constants, for annotations ({@code @JsonProperty} on the CRD's enum). */
    public static final class Names {
        public static final String OFF = "off";
        public static final String V1 = "v1";
        public static final String V2 = "v2";

        private Names() {
        }
    }

    private final String wireName;

    ProxyProtocol(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException "expected off, v1 or v2" */
    public static ProxyProtocol parse(String value) {
        return WireValue.parse(ProxyProtocol.class, value);
    }
}
