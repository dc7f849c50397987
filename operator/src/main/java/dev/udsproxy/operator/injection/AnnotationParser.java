package dev.udsproxy.operator.injection;

import dev.udsproxy.contract.Defaults;
import dev.udsproxy.contract.EgressRoute;
import dev.udsproxy.contract.Endpoint;
import dev.udsproxy.contract.Limits;
import dev.udsproxy.contract.SocketPaths;
import dev.udsproxy.operator.customresource.ProxyProtocol;
import dev.udsproxy.operator.customresource.SidecarProfile;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads the {@code udsproxy.dev/*} annotations of a Pod; every refusal names key, value and what is allowed. */
public final class AnnotationParser {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** The socket's path must fit sun_path: a longer name would be admitted and the sidecar would refuse it at every start. */
    private static final Pattern SOCKET_FILE =
            Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0," + (SocketPaths.MAX_APP_SOCKET_NAME - 1) + "}");

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
        try {
            return Endpoint.port(number);
        } catch (IllegalArgumentException e) {
            throw new InvalidAnnotationException(key, whole, "allowed is a TCP port number from 1 to " + Limits.MAX_PORT);
        }
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
            return Defaults.APP_SOCKET;
        }
        if (!SOCKET_FILE.matcher(value).matches() || value.equals(SocketPaths.EGRESS_DIR)) {
            throw new InvalidAnnotationException(Annotations.SOCKET, value,
                    "allowed is a file name of letters, digits, '.', '_' and '-' (at most "
                            + SocketPaths.MAX_APP_SOCKET_NAME + ", so that the socket path fits a Unix socket address;"
                            + " not \"" + SocketPaths.EGRESS_DIR + "\"), such as " + Defaults.APP_SOCKET);
        }
        return value;
    }

    /** The contract's list grammar: what is admitted here the sidecar parses the same way. */
    static List<EgressRoute> egress(String value) {
        try {
            return EgressRoute.parseList(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidAnnotationException(Annotations.EGRESS, value, e.getMessage());
        }
    }

    private static ProxyProtocol proxyProtocol(String value) {
        if (value == null) {
            return null;
        }
        try {
            return ProxyProtocol.of(dev.udsproxy.contract.ProxyProtocol.parse(value));
        } catch (IllegalArgumentException e) {
            List<String> quoted = Arrays.stream(dev.udsproxy.contract.ProxyProtocol.values())
                    .map(p -> "\"" + p.wireName() + "\"").toList();
            throw new InvalidAnnotationException(Annotations.PROXY_PROTOCOL, value, "allowed are "
                    + String.join(", ", quoted.subList(0, quoted.size() - 1)) + " and " + quoted.getLast());
        }
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
