package dev.udsproxy.sidecar.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * Prometheus text for the admin port. Micrometer only reads our LongAdders when scraped (function counters and
 * gauges), so the data path never goes through Micrometer.
 */
public final class MetricsExposition {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public MetricsExposition(ProxyMetrics metrics, ByteBufAllocator allocator) {
        for (Direction d : Direction.values()) {
            DirectionCounters c = metrics.of(d);
            counter("udsproxy.connections", "Connections accepted", d, c.opened);
            counter("udsproxy.connections.rejected", "Connections refused at the max-connections limit", d,
                    c.rejected);
            counter("udsproxy.upstream.connect.failures",
                    "Client connections closed because the upstream could not be reached in the connect timeout",
                    d, c.connectFailures);
            counter("udsproxy.upstream.connect.retries", "Upstream connect attempts that failed and were retried",
                    d, c.connectRetries);
            counter("udsproxy.connections.idle.closed", "Connections closed by the idle timeout", d, c.idleClosed);
            counter("udsproxy.connections.reset", "Connections ended by an I/O error or reset on either side", d,
                    c.resets);
            bytes(d, "upstream", c.bytesToUpstream);
            bytes(d, "client", c.bytesToClient);
            Gauge.builder("udsproxy.connections.active", c.active, LongAdder::sum)
                    .description("Open client connections").tag("direction", d.label()).register(registry);
        }
        if (allocator instanceof ByteBufAllocatorMetricProvider provider) {
            Gauge.builder("udsproxy.direct.memory.used", provider,
                            p -> p.metric().usedDirectMemory())
                    .description("Direct memory held by Netty's buffer allocator").baseUnit("bytes")
                    .register(registry);
        }
    }

    private void counter(String name, String help, Direction d, LongAdder adder) {
        FunctionCounter.builder(name, adder, (ToDoubleFunction<LongAdder>) LongAdder::sum)
                .description(help).tag("direction", d.label()).register(registry);
    }

    private void bytes(Direction d, String towards, LongAdder adder) {
        FunctionCounter.builder("udsproxy.bytes", adder, (ToDoubleFunction<LongAdder>) LongAdder::sum)
                .description("Bytes relayed, by direction and towards which side").baseUnit("bytes")
                .tag("direction", d.label()).tag("towards", towards).register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }
}
