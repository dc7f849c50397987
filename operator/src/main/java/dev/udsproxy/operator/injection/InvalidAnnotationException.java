package dev.udsproxy.operator.injection;

/**
 * An annotation value the webhook refuses. The message names the key, the value and what
 * is allowed, because it reaches the user verbatim in the ReplicaSet's events.
 */
public final class InvalidAnnotationException extends RuntimeException {
    private final String key;
    private final String value;

    public InvalidAnnotationException(String key, String value, String allowed) {
        super("invalid annotation " + key + "=\"" + value + "\": " + allowed);
        this.key = key;
        this.value = value;
    }

    public String key() {
        return key;
    }

    public String value() {
        return value;
    }
}
