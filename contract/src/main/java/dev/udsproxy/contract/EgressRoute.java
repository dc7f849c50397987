package dev.udsproxy.contract;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One egress route: the app connects to {@code <socket-dir>/egress/<name>.sock}, the sidecar connects to
 * {@code target}. The list grammar is that of the {@code udsproxy.dev/egress} annotation and of
 * {@link Setting#EGRESS}: {@code name=host:port[,name=host:port...]}.
 */
public record EgressRoute(String name, Endpoint target) {
    /**
     * A DNS label. Not {@code _}: the operator tells the app a route's socket in {@code UDSPROXY_EGRESS_<NAME>} with
     * {@code -} as {@code _}, so {@code a_b} and {@code a-b} would be the same variable; and names of Kubernetes
     * objects, which users copy here, are DNS labels too.
     */
    public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";
    public static final String ALLOWED = "expected name=host:port[,name=host:port...] where name is 1-63 of a-z 0-9 -"
            + " (a DNS label: starting and ending with a letter or digit), each name once, port 1-65535";

    private static final Pattern NAME = Pattern.compile(NAME_PATTERN);

    /**
     * Blank is no route. Blanks around a route are allowed ({@code "a=h:1, b=h:2"}), an empty one is not.
     *
     * @throws IllegalArgumentException saying what is allowed ({@link #ALLOWED}), which route is not, and why
     */
    public static List<EgressRoute> parseList(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<EgressRoute> routes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String item : value.split(",", -1)) {
            String route = item.trim();
            int eq = route.indexOf('=');
            if (eq < 0) {
                throw refused(route, "no name=");
            }
            String name = route.substring(0, eq);
            if (!NAME.matcher(name).matches()) {
                throw refused(route, "the name is no DNS label");
            }
            if (!names.add(name)) {
                throw refused(route, "the name " + name + " comes twice");
            }
            Endpoint target;
            try {
                target = Endpoint.parse(route.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                throw refused(route, "the target is no host:port with a port from 1 to 65535");
            }
            routes.add(new EgressRoute(name, target));
        }
        return List.copyOf(routes);
    }

    private static IllegalArgumentException refused(String route, String why) {
        return new IllegalArgumentException(ALLOWED + "; \"" + route + "\" is not a route (" + why + ")");
    }

    /** The socket the app connects to. */
    public String socketPath(String socketDir) {
        return SocketPaths.egressSocket(socketDir, name);
    }

    /** The route as the list grammar writes it; {@link #parseList} reads it back as it is. */
    public String spec() {
        return name + "=" + target;
    }

    /** The routes as the list grammar writes them. */
    public static String specList(List<EgressRoute> routes) {
        return routes.stream().map(EgressRoute::spec).collect(Collectors.joining(","));
    }
}
