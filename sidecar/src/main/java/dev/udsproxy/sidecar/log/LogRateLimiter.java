package dev.udsproxy.sidecar.log;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * At most {@code maxPerWindow} lines per key in a window; the rest are counted and reported as one summary once
 * the window is over. Pure apart from its own state: the time is passed in, so tests need no clock. Keys are few
 * (reason x upstream); windows that ended are dropped by {@link #expire}, so the map does not grow without end.
 * Synchronized: several event loops may log at once, and failures are the rare path.
 */
public final class LogRateLimiter<K> {
    /** Whether to write this line, and how many lines of this key were suppressed in its previous window. */
    public record Admission(boolean write, long suppressedBefore) {
    }

    /** {@code suppressed} lines of {@code key} were not written in the window that just ended. */
    public record Suppressed<K>(K key, long suppressed) {
    }

    private static final class Window {
        long start;
        int written;
        long suppressed;

        Window(long start) {
            this.start = start;
        }
    }

    private final int maxPerWindow;
    private final long windowNanos;
    private final Map<K, Window> windows = new HashMap<>();

    public LogRateLimiter(int maxPerWindow, long windowNanos) {
        this.maxPerWindow = maxPerWindow;
        this.windowNanos = windowNanos;
    }

    public synchronized Admission admit(K key, long nowNanos) {
        Window w = windows.get(key);
        long suppressedBefore = 0;
        if (w == null) {
            w = new Window(nowNanos);
            windows.put(key, w);
        } else if (nowNanos - w.start >= windowNanos) {
            suppressedBefore = w.suppressed;
            w.start = nowNanos;
            w.written = 0;
            w.suppressed = 0;
        }
        if (w.written < maxPerWindow) {
            w.written++;
            return new Admission(true, suppressedBefore);
        }
        w.suppressed++;
        return new Admission(false, suppressedBefore);
    }

    /** Ends the windows that are over: their summaries (only those that suppressed something); forgets the keys. */
    public synchronized List<Suppressed<K>> expire(long nowNanos) {
        List<Suppressed<K>> summaries = new ArrayList<>();
        for (Iterator<Map.Entry<K, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<K, Window> e = it.next();
            if (nowNanos - e.getValue().start >= windowNanos) {
                if (e.getValue().suppressed > 0) {
                    summaries.add(new Suppressed<>(e.getKey(), e.getValue().suppressed));
                }
                it.remove();
            }
        }
        return summaries;
    }
}
