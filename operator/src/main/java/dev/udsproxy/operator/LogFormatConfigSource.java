package dev.udsproxy.operator;

import dev.udsproxy.operator.customresource.LogFormat;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Maps the operator's {@code UDSPROXY_LOG_FORMAT} (text, the default, or json) to Quarkus's own switch for JSON
 * console logs, {@code quarkus.log.console.json.enabled} (quarkus-logging-json turns JSON on by default; this says
 * off unless json is asked for). A ConfigSource, because Quarkus configures logging from configuration before any
 * bean of ours exists. Its ordinal is above application.properties and below the environment, so an explicit
 * {@code QUARKUS_LOG_CONSOLE_JSON_ENABLED} still wins. A value that is neither fails the start with its name.
 */
public final class LogFormatConfigSource implements ConfigSource {
    public static final String ENV = "UDSPROXY_LOG_FORMAT";
    static final String JSON_ENABLED = "quarkus.log.console.json.enabled";
    private static final int ORDINAL = 275;

    private final Map<String, String> properties;

    public LogFormatConfigSource() {
        this(System.getenv(ENV));
    }

    LogFormatConfigSource(String value) {
        this.properties = Map.of(JSON_ENABLED, String.valueOf(parse(value) == LogFormat.JSON));
    }

    /** Unset or empty: text. */
    static LogFormat parse(String value) {
        if (value == null || value.isEmpty()) {
            return LogFormat.TEXT;
        }
        return Arrays.stream(LogFormat.values()).filter(f -> f.wireName().equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("invalid " + ENV + "=\"" + value + "\": allowed are "
                        + Arrays.stream(LogFormat.values()).map(LogFormat::wireName)
                                .collect(Collectors.joining(" and "))));
    }

    @Override
    public Map<String, String> getProperties() {
        return properties;
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return ENV.toLowerCase(Locale.ROOT);
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
