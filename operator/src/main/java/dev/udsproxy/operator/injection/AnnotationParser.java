package dev.udsproxy.operator.injection;

import dev.udsproxy.operator.customresource.ProxyProtocol;
import dev.udsproxy.operator.customresource.SidecarProfile;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the {@code udsproxy.dev/*} annotations of a Pod; every refusal names key, value and what is allowed. */
public final class AnnotationParser {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern HOST = Pattern.compile(
            "([A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*"
                    + "|\\[[0-9A-Fa-f:.]+\\]");
    /**
     * The socket's path must fit sun_path (108 bytes with the NUL): "/var/run/udsproxy/" leaves 89
     * characters for the name; a longer one would be admitted and the sidecar would refuse it at every start.
     */
    static final int MAX_SOCKET_NAME = 107 - (Annotations.SOCKET_DIR + "/").length();
    private static final Pattern SOCKET_FILE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0," + (MAX_SOCKET_NAME - 1) + "}");

    private AnnotationParser() {
    }

    /** The opt-in value of a Pod (annotation wins over label); null when absent. */
    public static Boolean optIn(Map<String, String> annotations, Map<String, String> labels) {
        String annotation = annotations.get(Annotations.INJECT);
        if (annotation != null) {
            return bool(Annotations.INJECT, annotation);
        }
        String label = labels.get(Annotations.INJECT);
        return label == null ? null : bool(Annotations.INJECT, label);
    }

    public static InjectionRequest parse(Map<String, String> annotations) {
        return new InjectionRequest(
                port(annotations.get(Annotations.PORT)),
                container(annotations.get(Annotations.CONTAINER)),
                socket(annotations.get(Annotations.SOCKET)),
                egress(annotations.get(Annotations.EGRESS)),
                proxyProtocol(annotations.get(Annotations.PROXY_PROTOCOL)),
                profile(annotations.get(Annotations.PROFILE)));
    }

    static boolean bool(String key, String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidAnnotationException(key, value, "allowed are \"true\" and \"false\"");
        };
    }

    static Integer port(String value) {
        return value == null ? null : portNumber(Annotations.PORT, value, value);
    }

    private static int portNumber(String key, String whole, String number) {
        String allowed = "allowed is a TCP port number from 1 to 65535";
        if (!number.matches("[0-9]{1,5}")) {
            throw new InvalidAnnotationException(key, whole, allowed);
        }
        int port = Integer.parseInt(number);
        if (port < 1 || port > 65535) {
            throw new InvalidAnnotationException(key, whole, allowed);
        }
        return port;
    }

    private static String container(String value) {
        if (value != null && !DNS_LABEL.matcher(value).matches()) {
            throw new InvalidAnnotationException(Annotations.CONTAINER, value,
                    "allowed is a container name (lowercase letters, digits and '-', at most 63)");
        }
        return value;
    }

    private static String socket(String value) {
        if (value == null) {
            return InjectionRequest.DEFAULT_SOCKET;
        }
        if (!SOCKET_FILE.matcher(value).matches() || value.equals("egress")) {
            throw new InvalidAnnotationException(Annotations.SOCKET, value,
                    "allowed is a file name of letters, digits, '.', '_' and '-' (at most " + MAX_SOCKET_NAME
                            + ", so that the socket path fits a Unix socket address; not \"egress\"), "
                            + "such as app.sock");
        }
        return value;
    }

    static List<EgressRoute> egress(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        String allowed = "allowed is name=host:port[,name=host:port...] with name a DNS label "
                + "(lowercase letters, digits, '-'), each name once, and port 1-65535";
        List<EgressRoute> routes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String item : value.split(",", -1)) {
            String route = item.trim();
            int eq = route.indexOf('=');
            int colon = route.lastIndexOf(':');
            if (eq <= 0 || colon <= eq + 1 || colon == route.length() - 1) {
                throw new InvalidAnnotationException(Annotations.EGRESS, value, allowed + "; \"" + route + "\" is not");
            }
            String name = route.substring(0, eq);
            String host = route.substring(eq + 1, colon);
            if (!DNS_LABEL.matcher(name).matches() || !HOST.matcher(host).matches() || !names.add(name)) {
                throw new InvalidAnnotationException(Annotations.EGRESS, value, allowed + "; \"" + route + "\" is not");
            }
            routes.add(new EgressRoute(name, host, portNumber(Annotations.EGRESS, value, route.substring(colon + 1))));
        }
        return List.copyOf(routes);
    }

    private static ProxyProtocol proxyProtocol(String value) {
        if (value == null) {
            return null;
        }
        return switch (value) {
            case "off" -> ProxyProtocol.OFF;
            case "v1" -> ProxyProtocol.V1;
            case "v2" -> ProxyProtocol.V2;
            default -> throw new InvalidAnnotationException(Annotations.PROXY_PROTOCOL, value,
                    "allowed are \"off\", \"v1\" and \"v2\"");
        };
    }

    private static String profile(String value) {
        if (value == null) {
            return SidecarProfile.DEFAULT_NAME;
        }
        if (value.length() > 253 || !DNS_SUBDOMAIN.matcher(value).matches()) {
            throw new InvalidAnnotationException(Annotations.PROFILE, value,
                    "allowed is the name of a SidecarProfile (a DNS subdomain)");
        }
        return value;
    }
}
