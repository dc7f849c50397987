package dev.udsproxy.sidecar.config;

import java.util.Locale;

/** Whether, and in which version, a PROXY protocol header precedes the client's bytes on the app's socket. */
public enum ProxyProtocol {
    OFF, V1, V2;

    static ProxyProtocol parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "off" -> OFF;
            case "v1" -> V1;
            case "v2" -> V2;
            default -> throw new ConfigException(Setting.PROXY_PROTOCOL, value, "expected off, v1 or v2");
        };
    }
}
