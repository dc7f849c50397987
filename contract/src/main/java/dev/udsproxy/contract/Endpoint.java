package dev.udsproxy.contract;

import java.util.regex.Pattern;

/**
 * A TCP endpoint as written in settings and annotations: {@code host:port}, IPv6 as {@code [addr]:port}. The host is
 * kept without brackets.
 */
public record Endpoint(String host, int port) {
    public static final String ALLOWED =
            "expected host:port (IPv6 as [addr]:port) with a port from 1 to 65535, e.g. 0.0.0.0:8080";

    /** A DNS name of RFC 1123 labels (an IPv4 address is one), the form Kubernetes gives Services and Pods. */
    private static final Pattern NAME = Pattern.compile(
            "[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** @throws IllegalArgumentException {@link #ALLOWED} */
    public static Endpoint parse(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException(ALLOWED);
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (!IPV6.matcher(host).matches()) {
                throw new IllegalArgumentException(ALLOWED);
            }
        } else if (!NAME.matcher(host).matches()) {
            // Also a bare IPv6 address: "::1:80" is ambiguous, brackets are required.
            throw new IllegalArgumentException(ALLOWED);
        }
        return new Endpoint(host, port(value.substring(colon + 1)));
    }

    /** @throws IllegalArgumentException {@link #ALLOWED} unless 1 to 65535 in decimal digits */
    public static int port(String digits) {
        if (digits.matches("[0-9]{1,5}")) {
            int p = Integer.parseInt(digits);
            if (p >= 1 && p <= Limits.MAX_PORT) {
                return p;
            }
        }
        throw new IllegalArgumentException(ALLOWED);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
