package dev.udsproxy.sidecar.metrics;

import java.util.EnumMap;
import java.util.Map;

/** All counters of the proxy, by direction; the admin port renders them. */
public final class ProxyMetrics {
    private final Map<Direction, DirectionCounters> byDirection = new EnumMap<>(Direction.class);

    public ProxyMetrics() {
        for (Direction d : Direction.values()) {
            byDirection.put(d, new DirectionCounters());
        }
    }

    public DirectionCounters of(Direction direction) {
        return byDirection.get(direction);
    }

    public long activeConnections() {
        long sum = 0;
        for (DirectionCounters c : byDirection.values()) {
            sum += c.active.sum();
        }
        return sum;
    }
}
