package dev.udsproxy.contract;

/**
 * Which socket transport the sidecar uses. auto takes the first of io_uring, epoll and NIO that the kernel and the
 * process's seccomp profile allow (container runtimes' default profiles block the io_uring system calls, so in most
 * Pods auto means epoll); naming one fails the start when it is not available.
 */
public enum Transport implements WireValue {
    AUTO(Names.AUTO), IO_URING(Names.IO_URING), EPOLL(Names.EPOLL), NIO(Names.NIO);

    /** The wire names as constants, for annotations ({@code @JsonProperty} on the CRD's enum). */
    public static final class Names {
        public static final String AUTO = "auto";
        public static final String IO_URING = "io_uring";
        public static final String EPOLL = "epoll";
        public static final String NIO = "nio";

        private Names() {
        }
    }

    private final String wireName;

    Transport(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException "expected auto, io_uring, epoll or nio" */
    public static Transport parse(String value) {
        return WireValue.parse(Transport.class, value);
    }
}
