package dev.udsproxy.sidecar.proxy;

import dev.udsproxy.sidecar.log.Log;
import dev.udsproxy.sidecar.log.LogRateLimiter;
import dev.udsproxy.sidecar.metrics.Direction;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One log line per client connection whose upstream could not be reached, with the reason; rate-limited per
 * direction, upstream and reason, so an absent app with clients retrying in a loop writes a few lines and a
 * summary every {@link #WINDOW_SECONDS} s instead of flooding the node's log storage.
 */
public final class UpstreamFailureLog {
    public static final int MAX_LINES_PER_WINDOW = 5;
    public static final long WINDOW_SECONDS = 10;
    static final String LOGGER = "udsproxy.upstream";

    private record Key(Direction direction, String upstream, FailureReason reason) {
    }

    private final Log log;
    private final LongSupplier nanoTime;
    private final LogRateLimiter<Key> limiter =
            new LogRateLimiter<>(MAX_LINES_PER_WINDOW, TimeUnit.SECONDS.toNanos(WINDOW_SECONDS));

    public UpstreamFailureLog(Log log, LongSupplier nanoTime) {
        this.log = log;
        this.nanoTime = nanoTime;
    }

    /** The dialer gave up on {@code upstream} for the client at {@code peer} after {@code attempts} tries. */
    void failed(Direction direction, String upstream, SocketAddress peer, Throwable cause, int attempts,
                long waitedNanos) {
        Key key = new Key(direction, upstream, FailureReason.of(cause));
        LogRateLimiter.Admission admission = limiter.admit(key, nanoTime.getAsLong());
        if (admission.suppressedBefore() > 0) {
            summary(key, admission.suppressedBefore());
        }
        if (admission.write()) {
            log.warn(LOGGER, "upstream connection failed; client closed",
                    "direction", direction.label(), "peer", describe(peer), "upstream", upstream,
                    "reason", key.reason().label(), "error", error(cause),
                    "attempts", Integer.toString(attempts),
                    "waited_ms", Long.toString(TimeUnit.NANOSECONDS.toMillis(waitedNanos)));
        }
    }

    /** Writes the summaries of windows that are over; the sidecar calls this every window. */
    public void flushSummaries() {
        for (LogRateLimiter.Suppressed<Key> s : limiter.expire(nanoTime.getAsLong())) {
            summary(s.key(), s.suppressed());
        }
    }

    private void summary(Key key, long suppressed) {
        log.warn(LOGGER, "suppressed " + suppressed + " similar lines in " + WINDOW_SECONDS + " s",
                "direction", key.direction().label(), "upstream", key.upstream(), "reason", key.reason().label(),
                "suppressed", Long.toString(suppressed));
    }

    /** Netty's epoll transport reports a missing socket file as a FileNotFoundException without a message. */
    private static String error(Throwable cause) {
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    private static String describe(SocketAddress peer) {
        if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        // An egress client is the app on the socket file: its address has no name (unbound client socket).
        return peer == null || peer.toString().isBlank() ? "app" : peer.toString();
    }
}
