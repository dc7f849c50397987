package dev.udsproxy.sidecar.config;

import java.util.Locale;

/** Which Netty transport carries the sockets; AUTO prefers native epoll and falls back to NIO. */
public enum TransportKind {
    AUTO, EPOLL, NIO;

    static TransportKind parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "epoll" -> EPOLL;
            case "nio" -> NIO;
            default -> throw new ConfigException(Setting.TRANSPORT, value, "expected auto, epoll or nio");
        };
    }
}
