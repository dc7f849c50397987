package dev.udsproxy.operator.customresource;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The sidecar's {@code UDSPROXY_TRANSPORT}. io_uring needs a seccomp profile that allows the io_uring system calls:
 * the runtimes' default profiles (Pod Security "restricted" asks for RuntimeDefault or Localhost) block them, so
 * there auto means epoll; see sidecar/README.md for the Localhost profile and what io_uring buys.
 */
public enum SidecarTransport {
    @JsonProperty("auto") AUTO("auto"),
    @JsonProperty("io_uring") IO_URING("io_uring"),
    @JsonProperty("epoll") EPOLL("epoll"),
    @JsonProperty("nio") NIO("nio");

    private final String wireName;

    SidecarTransport(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
