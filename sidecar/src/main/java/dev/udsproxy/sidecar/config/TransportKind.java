package dev.udsproxy.sidecar.config;

import java.util.Locale;

/**
 * Which Netty transport carries the sockets. AUTO takes the first of io_uring, epoll and NIO that this kernel and
 * this process's seccomp profile allow (container runtimes' default profiles block the io_uring system calls, so in
 * most Pods AUTO means epoll); naming one fails the start when it is not available.
 */
public enum TransportKind {
    AUTO("auto"), IO_URING("io_uring"), EPOLL("epoll"), NIO("nio");

    private final String label;

    TransportKind(String label) {
        this.label = label;
    }

    /** The name in flags, env, the profile and the start-up line. */
    public String label() {
        return label;
    }

    static TransportKind parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (TransportKind kind : values()) {
            if (kind.label.equals(v)) {
                return kind;
            }
        }
        throw new ConfigException(Setting.TRANSPORT, value, "expected auto, io_uring, epoll or nio");
    }
}
