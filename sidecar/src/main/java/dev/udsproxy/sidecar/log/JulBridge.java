package dev.udsproxy.sidecar.log;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Netty logs through java.util.logging (no SLF4J here). In JSON mode its lines must be JSON too, or a log
 * collector gets a mix: this replaces the root logger's console handler by one that writes through {@link Log}.
 */
public final class JulBridge extends Handler {
    private final Log log;

    private JulBridge(Log log) {
        this.log = log;
    }

    public static void install(Log log) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.addHandler(new JulBridge(log));
    }

    @Override
    public void publish(LogRecord r) {
        if (!isLoggable(r)) {
            return;
        }
        String message = r.getMessage();
        if (r.getParameters() != null && message != null) {
            message = java.text.MessageFormat.format(message, r.getParameters());
        }
        Throwable t = r.getThrown();
        log.write(level(r.getLevel()), r.getLoggerName() == null ? "jul" : r.getLoggerName(),
                message == null ? "" : message, "error", t == null ? null : t.toString());
    }

    private static String level(Level level) {
        if (level.intValue() >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (level.intValue() >= Level.WARNING.intValue()) {
            return "WARN";
        }
        return level.intValue() >= Level.INFO.intValue() ? "INFO" : "DEBUG";
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
