package dev.udsproxy.sidecar.log;

import dev.udsproxy.contract.LogFormat;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Arrays;

/**
 * The sidecar's log: one line per event on stderr (what {@code kubectl logs} shows), text or JSON. No logging
 * framework: a sidecar logs a handful of lines (start, drain, refused connections), and every class loaded at
 * start costs start time.
 */
public final class Log {
    private final LogFormat format;
    private final PrintStream out;
    private final Clock clock;

    public Log(LogFormat format, PrintStream out, Clock clock) {
        this.format = format;
        this.out = out;
        this.clock = clock;
    }

    public static Log stderr(LogFormat format) {
        return new Log(format, System.err, Clock.systemUTC());
    }

    public LogFormat format() {
        return format;
    }

    /** @param fields alternating keys and values; a null value is left out */
    public void info(String logger, String message, String... fields) {
        write("INFO", logger, message, fields);
    }

    public void warn(String logger, String message, String... fields) {
        write("WARN", logger, message, fields);
    }

    public void write(String level, String logger, String message, String... fields) {
        String line = new LogLine(clock.instant(), level, logger, message, Arrays.asList(fields)).render(format);
        // println on a PrintStream is synchronized: lines from several threads do not interleave.
        out.println(line);
    }
}
