package dev.udsproxy.sidecar.config;

import dev.udsproxy.contract.Transport;

/**
 * Which Netty transport carries the sockets (the values: {@link Transport}). AUTO takes the first of io_uring, epoll
 * and NIO that this kernel and this process's seccomp profile allow; naming one fails the start when it is not
 * available. The data path's own type, mapped one to one from the contract's.
 */
public enum TransportKind {
    AUTO(Transport.AUTO), IO_URING(Transport.IO_URING), EPOLL(Transport.EPOLL), NIO(Transport.NIO);

    private final Transport contract;

    TransportKind(Transport contract) {
        this.contract = contract;
    }

    /** The name in flags, env, the profile and the start-up line. */
    public String label() {
        return contract.wireName();
    }

    /** Exhaustive: a transport the contract gains fails this compile until the data path has it. */
    static TransportKind of(Transport value) {
        return switch (value) {
            case AUTO -> AUTO;
            case IO_URING -> IO_URING;
            case EPOLL -> EPOLL;
            case NIO -> NIO;
        };
    }
}
