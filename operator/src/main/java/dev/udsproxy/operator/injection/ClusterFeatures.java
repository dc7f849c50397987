package dev.udsproxy.operator.injection;

/**
 * What the API server of this cluster accepts in a Pod, from its version alone: the operator reads the version
 * once at start. A field the cluster does not know would be dropped, or make the Pod invalid.
 */
public record ClusterFeatures(String version, boolean nativeSidecars, boolean preStopSleep) {
    /** SidecarContainers (initContainer restartPolicy Always) is on by default from Kubernetes 1.29. */
    static final int NATIVE_SIDECARS_MINOR = 29;
    /**
     * PodLifecycleSleepAction ({@code lifecycle.preStop.sleep}) is on by default from 1.30. Before, the API server
     * drops the field and the Pod is refused for a preStop without a handler.
     */
    static final int PRE_STOP_SLEEP_MINOR = 30;

    /** {@code major}/{@code minor} as the API server's /version reports them, e.g. "1" and "30+". */
    public static ClusterFeatures of(String major, String minor) {
        int ma = Integer.parseInt(major.replaceAll("[^0-9]", ""));
        int mi = Integer.parseInt(minor.replaceAll("[^0-9]", ""));
        return new ClusterFeatures(ma + "." + mi, ma > 1 || mi >= NATIVE_SIDECARS_MINOR,
                ma > 1 || mi >= PRE_STOP_SLEEP_MINOR);
    }
}
