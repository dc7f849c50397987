package dev.udsproxy.podonhost;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What changes when a container's spec runs as a host process, and nothing else: a mount path
 * becomes the host folder behind it, and a port the container declares becomes the host port
 * standing in for it. On the host every process shares one network namespace with the rest of
 * the machine (other tests, other helpers), so a Pod's 8080 or 15090 may already be taken; a
 * free port is the host's equivalent of the Pod's own IP.
 */
final class HostRewrite {
    /** host:port with a listening or loopback host: the only addresses that name the Pod itself. */
    private static final Pattern LOCAL_ADDRESS =
            Pattern.compile("(?<![\\w.])(0\\.0\\.0\\.0|127\\.0\\.0\\.1|localhost|\\[::]|\\[::1]):(\\d{1,5})(?!\\d)");

    private final Map<String, Path> mounts;
    private final Pattern mountPaths;
    private final Map<Integer, Integer> ports;

    /**
     * @param mounts mount path in the container → host folder
     * @param ports  port declared by a container of the Pod → host port
     */
    HostRewrite(Map<String, Path> mounts, Map<Integer, Integer> ports) {
        this.mounts = Map.copyOf(mounts);
        // One pass over all mount paths, longest first (/var/run/udsproxy/egress before /var/run/udsproxy),
        // so that a host folder put in by one mount (/tmp/junit.../) is never rewritten again by another (/tmp).
        // A mount path counts only as a whole path: at the start or after ':', '=', ',' or a space, and
        // followed by '/' or the end of that path.
        String alternatives = mounts.keySet().stream()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .map(Pattern::quote)
                .collect(Collectors.joining("|"));
        this.mountPaths = mounts.isEmpty() ? null
                : Pattern.compile("(^|[:=,\\s])(" + alternatives + ")(?=/|$|[,:\\s])");
        this.ports = Map.copyOf(ports);
    }

    /** An env value or an argument, with mount paths and the Pod's own ports moved to the host. */
    String apply(String value) {
        if (value == null) {
            return null;
        }
        return ports(paths(value));
    }

    int hostPort(int containerPort) {
        Integer port = ports.get(containerPort);
        if (port == null) {
            throw new IllegalArgumentException("port " + containerPort + " is declared by no container of the Pod;"
                    + " declared are " + ports.keySet());
        }
        return port;
    }

    private String paths(String value) {
        if (mountPaths == null) {
            return value;
        }
        return mountPaths.matcher(value).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + mounts.get(m.group(2))));
    }

    private String ports(String value) {
        return LOCAL_ADDRESS.matcher(value).replaceAll(m -> {
            Integer host = ports.get(Integer.parseInt(m.group(2)));
            return Matcher.quoteReplacement(host == null ? m.group() : m.group(1) + ":" + host);
        });
    }
}
