package dev.udsproxy.sidecar.log;

import dev.udsproxy.contract.LogFormat;
import java.time.Instant;
import java.util.List;

/**
 * Renders one log line; pure. Text keeps the sidecar's old form ({@code udsproxy-sidecar: message key=value}) so
 * that people and scripts grepping for a message still find it; JSON is one object per line for log collectors.
 *
 * @param fields alternating keys and values, in the order they should appear; a null value is left out
 */
public record LogLine(Instant time, String level, String logger, String message, List<String> fields) {
    public static final String TEXT_PREFIX = "udsproxy-sidecar: ";

    public String render(LogFormat format) {
        return format == LogFormat.JSON ? json() : text();
    }

    private String text() {
        StringBuilder out = new StringBuilder(TEXT_PREFIX);
        if (!"INFO".equals(level)) {
            out.append(level).append(' ');
        }
        out.append(message);
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            if (fields.get(i + 1) != null) {
                out.append(' ').append(fields.get(i)).append('=').append(fields.get(i + 1));
            }
        }
        return out.toString();
    }

    private String json() {
        StringBuilder out = new StringBuilder(160);
        out.append('{');
        member(out, "time", time.toString());
        out.append(',');
        member(out, "level", level);
        out.append(',');
        member(out, "logger", logger);
        out.append(',');
        member(out, "message", message);
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            if (fields.get(i + 1) != null) {
                out.append(',');
                member(out, fields.get(i), fields.get(i + 1));
            }
        }
        return out.append('}').toString();
    }

    private static void member(StringBuilder out, String key, String value) {
        quote(out, key);
        out.append(':');
        quote(out, value);
    }

    /** A JSON string (RFC 8259): quote, backslash and control characters escaped; everything else as it is. */
    static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
