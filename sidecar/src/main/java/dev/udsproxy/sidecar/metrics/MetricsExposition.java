package dev.udsproxy.sidecar.metrics;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The admin port's /metrics: Prometheus text format 0.0.4 by client_java. The data path keeps counting in plain
 * LongAdders (one add per read); the registry reads them through callbacks at scrape time only. The names are
 * those of the earlier hand-written exposition, so existing scrapes and dashboards keep working.
 */
public final class MetricsExposition {
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public MetricsExposition(ProxyMetrics metrics, ByteBufAllocator allocator) {
        this.registry = metrics.registry();
        perDirection(metrics, "udsproxy_connections_total", "Connections accepted", c -> c.opened, true);
        perDirection(metrics, "udsproxy_connections_active", "Open client connections", c -> c.active, false);
        perDirection(metrics, "udsproxy_connections_rejected_total",
                "Connections refused at the max-connections limit", c -> c.rejected, true);
        perDirection(metrics, "udsproxy_upstream_connect_failures_total",
                "Client connections closed because the upstream could not be reached in the connect timeout",
                c -> c.connectFailures, true);
        perDirection(metrics, "udsproxy_upstream_connect_retries_total",
                "Upstream connect attempts that failed and were retried", c -> c.connectRetries, true);
        perDirection(metrics, "udsproxy_connections_idle_closed_total", "Connections closed by the idle timeout",
                c -> c.idleClosed, true);
        perDirection(metrics, "udsproxy_connections_reset_total",
                "Connections ended by an I/O error or reset on either side", c -> c.resets, true);
        CounterWithCallback.builder()
                .name("udsproxy_bytes_total").help("Bytes relayed, by direction and towards which side")
                .labelNames("direction", "towards")
                .callback(cb -> {
                    for (Direction d : Direction.values()) {
                        cb.call(metrics.of(d).bytesToClient.sum(), d.label(), "client");
                        cb.call(metrics.of(d).bytesToUpstream.sum(), d.label(), "upstream");
                    }
                })
                .register(registry);
        if (allocator instanceof ByteBufAllocatorMetricProvider provider) {
            GaugeWithCallback.builder()
                    .name("udsproxy_direct_memory_used_bytes").help("Direct memory held by Netty's allocator")
                    .callback(cb -> cb.call(provider.metric().usedDirectMemory()))
                    .register(registry);
        }
        // process_resident_memory_bytes, process_open_fds, process_max_fds, process_cpu_seconds_total,
        // process_virtual_memory_bytes, process_start_time_seconds: the container's own view of itself.
        ProcessMetrics.builder().register(registry);
    }

    private void perDirection(ProxyMetrics metrics, String name, String help,
                              Function<DirectionCounters, LongAdder> field, boolean counter) {
        if (counter) {
            CounterWithCallback.builder().name(name).help(help).labelNames("direction")
                    .callback(cb -> {
                        for (Direction d : Direction.values()) {
                            cb.call(field.apply(metrics.of(d)).sum(), d.label());
                        }
                    })
                    .register(registry);
        } else {
            GaugeWithCallback.builder().name(name).help(help).labelNames("direction")
                    .callback(cb -> {
                        for (Direction d : Direction.values()) {
                            cb.call(field.apply(metrics.of(d)).sum(), d.label());
                        }
                    })
                    .register(registry);
        }
    }

    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
