package dev.udsproxy.sidecar.config;

import dev.udsproxy.contract.Setting;
import java.util.List;

/** One egress route: the app connects to {@code <socket-dir>/egress/<name>.sock}, we connect to {@code target}. */
public record EgressRoute(String name, HostPort target) {

    /** The contract's list grammar ({@link dev.udsproxy.contract.EgressRoute}), the one the operator admits. */
    public static List<EgressRoute> parseList(String value) {
        try {
            return dev.udsproxy.contract.EgressRoute.parseList(value).stream()
                    .map(r -> new EgressRoute(r.name(), HostPort.of(r.target())))
                    .toList();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(Setting.EGRESS, value, e.getMessage());
        }
    }
}
