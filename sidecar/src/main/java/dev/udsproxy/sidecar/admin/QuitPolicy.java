package dev.udsproxy.sidecar.admin;

import dev.udsproxy.contract.AdminShutdown;
import dev.udsproxy.contract.Setting;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Who may start a drain with {@code POST /quitquitquit}. Pure: the setting and the peer's address in, a refusal
 * reason (or none) out. The probes and /metrics stay open to anyone; only this one endpoint changes the Pod.
 */
public final class QuitPolicy {
    private QuitPolicy() {
    }

    /** Null when the request may start the drain, else the reason it may not (one line, for the 403 body). */
    public static String refusal(AdminShutdown setting, SocketAddress peer) {
        if (setting == AdminShutdown.OFF) {
            return "quitquitquit is off (" + Setting.ADMIN_SHUTDOWN.env() + "=" + AdminShutdown.OFF.wireName() + ")";
        }
        // isLoopbackAddress: 127.0.0.0/8 and ::1; an IPv4-mapped ::ffff:127.x arrives as an Inet4Address already.
        if (peer instanceof InetSocketAddress inet && inet.getAddress() != null
                && inet.getAddress().isLoopbackAddress()) {
            return null;
        }
        return "quitquitquit is accepted only from loopback (the Pod's own containers); peer " + describe(peer)
                + " refused";
    }

    private static String describe(SocketAddress peer) {
        if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(peer);
    }
}
