package dev.udsproxy.contract;

import java.nio.charset.StandardCharsets;

/** Where the sockets live in the shared folder, and how long a socket's path may be. */
public final class SocketPaths {
    /** How {@link Setting#UPSTREAM} names the app's socket: {@code unix:/var/run/udsproxy/app.sock}. */
    public static final String UNIX_PREFIX = "unix:";
    /** Egress sockets live in this folder of the socket folder, so no app socket may take its name. */
    public static final String EGRESS_DIR = "egress";
    /** sun_path holds 108 bytes including the terminating NUL: a longer path cannot be bound or connected to. */
    public static final int MAX_PATH_BYTES = 107;
    /**
     * The longest app socket name in {@link Defaults#SOCKET_DIR}: the operator admits no longer one, since the sidecar
     * would refuse its path at every start.
     */
    public static final int MAX_APP_SOCKET_NAME = MAX_PATH_BYTES - (Defaults.SOCKET_DIR + "/").length();

    private SocketPaths() {
    }

    /** The app's socket in the Pod's socket folder. */
    public static String appSocket(String fileName) {
        return Defaults.SOCKET_DIR + "/" + fileName;
    }

    /** Where the app connects for one egress route. */
    public static String egressSocket(String socketDir, String routeName) {
        return socketDir + "/" + EGRESS_DIR + "/" + routeName + ".sock";
    }

    /** @throws IllegalArgumentException naming the path and the limit when it does not fit sun_path */
    public static void checkFits(String path) {
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new IllegalArgumentException("the socket path " + path + " is longer than " + MAX_PATH_BYTES
                    + " bytes, the limit of a Unix domain socket address");
        }
    }
}
