package dev.udsproxy.sidecar.metrics;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.EnumMap;
import java.util.Map;

/** All metrics of the proxy, by direction, in one registry that the admin port renders. */
public final class ProxyMetrics {
    /**
     * Upstream connect, 0.5 ms .. 5 s: a connect to the app's socket on the same node takes tens of microseconds
     * (first bucket = "healthy"); a TCP egress connect inside a cluster ~1 ms, across zones a few ms; anything
     * from 20 ms up is retries while the app starts (backoff 20 ms doubling to 500 ms), up to the default connect
     * timeout of 5 s.
     */
    static final double[] CONNECT_BUCKETS = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
    /**
     * Connection lifetime, 10 ms .. 1 h: from one request per connection (tens of ms) through keep-alive pools
     * (seconds to minutes) to long-lived streams, up to the default idle timeout of 1 h.
     */
    static final double[] DURATION_BUCKETS = {
        0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 600, 1800, 3600};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Map<Direction, DirectionCounters> byDirection = new EnumMap<>(Direction.class);

    public ProxyMetrics() {
        Histogram connect = Histogram.builder()
                .name("udsproxy_upstream_connect_seconds")
                .help("Time from the first upstream connect attempt to connected (retries and DNS included)")
                .unit(Unit.SECONDS).labelNames("direction")
                .classicOnly().classicUpperBounds(CONNECT_BUCKETS).withoutExemplars()
                .register(registry);
        Histogram duration = Histogram.builder()
                .name("udsproxy_connection_duration_seconds")
                .help("Lifetime of admitted client connections, from accept to close")
                .unit(Unit.SECONDS).labelNames("direction")
                .classicOnly().classicUpperBounds(DURATION_BUCKETS).withoutExemplars()
                .register(registry);
        for (Direction d : Direction.values()) {
            // labelValues() once per direction here: the data path then observes without a label lookup.
            byDirection.put(d, new DirectionCounters(connect.labelValues(d.label()), duration.labelValues(d.label())));
        }
    }

    public DirectionCounters of(Direction direction) {
        return byDirection.get(direction);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public long activeConnections() {
        long sum = 0;
        for (DirectionCounters c : byDirection.values()) {
            sum += c.active.sum();
        }
        return sum;
    }
}
