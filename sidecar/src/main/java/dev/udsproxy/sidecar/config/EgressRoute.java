package dev.udsproxy.sidecar.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** One egress route: the app connects to {@code <socket-dir>/egress/<name>.sock}, we connect to {@code target}. */
public record EgressRoute(String name, HostPort target) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?");
    private static final String ALLOWED = "expected name=host:port[,name=host:port...] where name is 1-63 of"
            + " a-z 0-9 - _ (starting and ending with a letter or digit), each name once, port 1-65535";

    public static List<EgressRoute> parseList(String value) {
        List<EgressRoute> routes = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return routes;
        }
        Set<String> names = new HashSet<>();
        for (String item : value.split(",")) {
            int eq = item.indexOf('=');
            if (eq < 0) {
                throw new ConfigException(Setting.EGRESS, value, ALLOWED);
            }
            String name = item.substring(0, eq).trim();
            if (!NAME.matcher(name).matches() || !names.add(name)) {
                throw new ConfigException(Setting.EGRESS, value, ALLOWED);
            }
            HostPort target;
            try {
                target = HostPort.parse(Setting.EGRESS, item.substring(eq + 1));
            } catch (ConfigException e) {
                throw new ConfigException(Setting.EGRESS, value, ALLOWED);
            }
            routes.add(new EgressRoute(name, target));
        }
        return routes;
    }
}
