package dev.udsproxy.operator.customresource;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.udsproxy.contract.ProxyProtocol.Names;

/** How the sidecar tells the app the client's address over the socket: the CRD's form of the contract's value set. */
public enum ProxyProtocol {
    @JsonProperty(Names.OFF) OFF(dev.udsproxy.contract.ProxyProtocol.OFF),
    @JsonProperty(Names.V1) V1(dev.udsproxy.contract.ProxyProtocol.V1),
    @JsonProperty(Names.V2) V2(dev.udsproxy.contract.ProxyProtocol.V2);

    private final dev.udsproxy.contract.ProxyProtocol contract;

    ProxyProtocol(dev.udsproxy.contract.ProxyProtocol contract) {
        this.contract = contract;
    }

    public String wireName() {
        return contract.wireName();
    }

    /** Exhaustive: a value the contract gains fails this compile until the CRD has it. */
    public static ProxyProtocol of(dev.udsproxy.contract.ProxyProtocol value) {
        return switch (value) {
            case OFF -> OFF;
            case V1 -> V1;
            case V2 -> V2;
        };
    }
}
