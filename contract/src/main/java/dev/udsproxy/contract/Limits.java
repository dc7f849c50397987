package dev.udsproxy.contract;

/** Ranges the sidecar accepts and the CRD therefore admits ({@code @Max} on the profile's fields). */
public final class Limits {
    public static final int MAX_PORT = 65535;
    /** Linux caps a listen backlog at net.core.somaxconn anyway; beyond this a value is surely a typo. */
    public static final int MAX_BACKLOG = 65535;

    private Limits() {
    }
}
