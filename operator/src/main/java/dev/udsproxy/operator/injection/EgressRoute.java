package dev.udsproxy.operator.injection;

import java.util.Locale;

/** One {@code name=host:port} of {@code udsproxy.dev/egress}: the app connects to a socket, the sidecar to host:port. */
public record EgressRoute(String name, String host, int port) {

    /** The env var that tells the app where the route's socket is. */
    public String envName() {
        return "UDSPROXY_EGRESS_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    public String socketPath() {
        return Annotations.SOCKET_DIR + "/egress/" + name + ".sock";
    }

    /** The form the sidecar's UDSPROXY_EGRESS takes. */
    public String spec() {
        return name + "=" + host + ":" + port;
    }
}
