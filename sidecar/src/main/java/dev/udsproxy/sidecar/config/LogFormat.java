package dev.udsproxy.sidecar.config;

import java.util.Locale;

/** How log lines on stderr look: for a person reading {@code kubectl logs}, or for a log collector. */
public enum LogFormat {
    /** {@code udsproxy-sidecar: message key=value ...} */
    TEXT,
    /** One JSON object per line: time, level, logger, message and the line's fields. */
    JSON;

    static LogFormat parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new ConfigException(Setting.LOG_FORMAT, value, "expected text or json");
        };
    }
}
