package dev.udsproxy.operator.customresource;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the sidecar tells the app the client's address over the socket. */
public enum ProxyProtocol {
    @JsonProperty("off") OFF,
    @JsonProperty("v1") V1,
    @JsonProperty("v2") V2;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
