package dev.udsproxy.sidecar.config;

import java.net.InetSocketAddress;

/** A TCP endpoint as written by the user: {@code host:port} or {@code [v6]:port}. */
public record HostPort(String host, int port) {

    static final String ALLOWED = "expected host:port (IPv6 as [addr]:port) with a port from 1 to 65535, e.g. 0.0.0.0:8080";

    public static HostPort parse(Setting setting, String value) {
        String v = value.trim();
        int colon = v.lastIndexOf(':');
        if (colon <= 0 || colon == v.length() - 1) {
            throw new ConfigException(setting, value, ALLOWED);
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[")) {
            if (!host.endsWith("]") || host.length() < 3) {
                throw new ConfigException(setting, value, ALLOWED);
            }
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            // A bare IPv6 address is ambiguous ("::1:80"): insist on brackets.
            throw new ConfigException(setting, value, ALLOWED);
        }
        if (!host.matches("[A-Za-z0-9.:_-]+")) {
            throw new ConfigException(setting, value, ALLOWED);
        }
        return new HostPort(host, Limits.parsePort(setting, value, v.substring(colon + 1)));
    }

    /** Unresolved on purpose: listeners resolve once at bind, egress upstreams on every connection. */
    public InetSocketAddress unresolved() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
