package dev.udsproxy.contract;

/** How the sidecar's log lines on stderr look: for a person reading {@code kubectl logs}, or for a log collector. */
public enum LogFormat implements WireValue {
    /** {@code udsproxy-sidecar: message key=value ...} */
    TEXT(Names.TEXT),
    /** One JSON object per line: time, level, logger, message and the line's fields. */
    JSON(Names.JSON);

    /** The wire names as constants, for annotations ({@code @JsonProperty} on the CRD's enum). */
    public static final class Names {
        public static final String TEXT = "text";
        public static final String JSON = "json";

        private Names() {
        }
    }

    private final String wireName;

    LogFormat(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException "expected text or json" */
    public static LogFormat parse(String value) {
        return WireValue.parse(LogFormat.class, value);
    }
}
