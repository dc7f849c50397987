package dev.udsproxy.contract;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The duration grammar of the timeouts: 1 to 9 digits and a unit, {@code 500ms}, {@code 5s}, {@code 1m},
 * {@code 1h}. The CRD admits exactly {@link #PATTERN}, the sidecar parses exactly it, so nothing the CRD admits makes
 * the sidecar exit at start.
 */
public final class Durations {
    /** The whole grammar, as the CRD's pattern and as the parser's. */
    public static final String PATTERN = "^[0-9]{1,9}(ms|s|m|h)$";
    /**
     * The CRD's form of a duration that must be greater than zero (the connect timeout): no leading zero keeps the
     * pattern simple; the parser refuses zero itself and so admits a superset.
     */
    public static final String POSITIVE_PATTERN = "^[1-9][0-9]{0,8}(ms|s|m|h)$";
    /**
     * Durations beyond this count as this: "never" in practice, and far from the long-nanosecond overflow
     * (292 years) that 999999999h, the largest value the grammar admits, would otherwise hit.
     */
    public static final Duration MAX = Duration.ofDays(3650);

    private static final Pattern GRAMMAR = Pattern.compile(PATTERN);

    private Durations() {
    }

    /**
     * @param zeroAllowed whether 0 means "off" (idle timeout, grace) or is refused (connect timeout)
     * @throws IllegalArgumentException saying what is allowed
     */
    public static Duration parse(String value, boolean zeroAllowed) {
        String allowed = "expected a whole number with unit ms, s, m or h, e.g. 500ms or 5s"
                + (zeroAllowed ? " (0s disables it)" : ", greater than zero");
        if (value == null || !GRAMMAR.matcher(value).matches()) {
            throw new IllegalArgumentException(allowed);
        }
        int unit = value.indexOf(value.chars().filter(Character::isLetter).findFirst().orElseThrow());
        long n = Long.parseLong(value.substring(0, unit));
        Duration d = switch (value.substring(unit)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.isZero() && !zeroAllowed) {
            throw new IllegalArgumentException(allowed);
        }
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
