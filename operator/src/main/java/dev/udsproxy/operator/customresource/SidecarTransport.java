package dev.udsproxy.operator.customresource;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.udsproxy.contract.Transport;
import dev.udsproxy.contract.Transport.Names;

/**
 * The sidecar's {@code UDSPROXY_TRANSPORT}. io_uring needs a seccomp profile that allows the io_uring system calls:
 * the runtimes' default profiles (Pod Security "restricted" asks for RuntimeDefault or Localhost) block them, so
 * there auto means epoll; see sidecar/README.md for the Localhost profile and what io_uring buys.
 */
public enum SidecarTransport {
    @JsonProperty(Names.AUTO) AUTO(Transport.AUTO),
    @JsonProperty(Names.IO_URING) IO_URING(Transport.IO_URING),
    @JsonProperty(Names.EPOLL) EPOLL(Transport.EPOLL),
    @JsonProperty(Names.NIO) NIO(Transport.NIO);

    private final Transport contract;

    SidecarTransport(Transport contract) {
        this.contract = contract;
    }

    public String wireName() {
        return contract.wireName();
    }

    /** Exhaustive: a transport the contract gains fails this compile until the CRD has it. */
    public static SidecarTransport of(Transport value) {
        return switch (value) {
            case AUTO -> AUTO;
            case IO_URING -> IO_URING;
            case EPOLL -> EPOLL;
            case NIO -> NIO;
        };
    }
}
