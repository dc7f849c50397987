package dev.udsproxy.sidecar.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the scalar settings: ports, durations, counts and socket paths. */
final class Limits {
    /** sun_path holds 108 bytes including the terminating NUL. */
    static final int MAX_SOCKET_PATH_BYTES = 107;
    /**
     * Listen backlog: Linux's default net.core.somaxconn since 5.4 (also the cap the kernel applies; a Pod's network
     * namespace has its own). A burst of 5,000 connects found 0 refused or delayed at this value (sidecar/README.md).
     */
    public static final int DEFAULT_BACKLOG = 4096;
    static final int MAX_BACKLOG = 65535;

    /**
     * Durations beyond this count as this: "never" in practice, and far from the long-nanosecond overflow
     * (292 years) that 999999999h, the largest value the operator's CRD admits, would otherwise hit.
     */
    static final Duration MAX_DURATION = Duration.ofDays(3650);

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    private Limits() {
    }

    static int parsePort(Setting setting, String whole, String port) {
        try {
            int p = Integer.parseInt(port);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new ConfigException(setting, whole, HostPort.ALLOWED);
    }

    static Duration parseDuration(Setting setting, String value, boolean zeroAllowed) {
        try {
            return parseDuration(value, zeroAllowed);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(setting, value, e.getMessage());
        }
    }

    /** Up to 9 digits: the operator's CRD admits exactly this form, so nothing it admits is refused here. */
    static Duration parseDuration(String value, boolean zeroAllowed) {
        String allowed = "expected a whole number with unit ms, s, m or h, e.g. 500ms or 5s"
                + (zeroAllowed ? " (0s disables it)" : ", greater than zero");
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(allowed);
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.isZero() && !zeroAllowed) {
            throw new IllegalArgumentException(allowed);
        }
        return d.compareTo(MAX_DURATION) > 0 ? MAX_DURATION : d;
    }

    static int parseInt(Setting setting, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new ConfigException(setting, value, "expected a whole number from " + min + " to " + max);
    }

    static void checkSocketPath(Setting setting, String value, String path) {
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw new ConfigException(setting, value, "the socket path " + path + " is longer than "
                    + MAX_SOCKET_PATH_BYTES + " bytes, the limit of a Unix domain socket address");
        }
    }
}
