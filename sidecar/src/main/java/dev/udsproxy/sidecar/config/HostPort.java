package dev.udsproxy.sidecar.config;

import dev.udsproxy.contract.Endpoint;
import dev.udsproxy.contract.Setting;
import java.net.InetSocketAddress;

/** A TCP endpoint as written by the user ({@link Endpoint}'s grammar), as the listeners and dialers use it. */
public record HostPort(String host, int port) {

    public static HostPort parse(Setting setting, String value) {
        try {
            return of(Endpoint.parse(value.trim()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(setting, value, e.getMessage());
        }
    }

    static HostPort of(Endpoint endpoint) {
        return new HostPort(endpoint.host(), endpoint.port());
    }

    /** Unresolved on purpose: listeners resolve once at bind, egress upstreams on every connection. */
    public InetSocketAddress unresolved() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public String toString() {
        return new Endpoint(host, port).toString();
    }
}
