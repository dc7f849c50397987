package dev.udsproxy.sidecar.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus text: the names of the hand-written exposition it replaced (users scrape them), HELP and TYPE
 * before the samples, values as counted; the histograms with their buckets; the process metrics.
 */
class MetricsExpositionTest {
    @Test
    void rendersCountersByDirection() {
        ProxyMetrics metrics = new ProxyMetrics();
        metrics.of(Direction.INBOUND).opened.add(3);
        metrics.of(Direction.INBOUND).active.add(2);
        metrics.of(Direction.EGRESS).connectFailures.increment();
        metrics.of(Direction.INBOUND).bytesToUpstream.add(1234);

        String text = new MetricsExposition(metrics, UnpooledByteBufAllocator.DEFAULT).scrape();

        assertThat(text)
                .contains("# TYPE udsproxy_connections_total counter\n")
                .contains("udsproxy_connections_total{direction=\"inbound\"} 3.0\n")
                .contains("udsproxy_connections_total{direction=\"egress\"} 0.0\n")
                .contains("# TYPE udsproxy_connections_active gauge\n")
                .contains("udsproxy_connections_active{direction=\"inbound\"} 2.0\n")
                .contains("udsproxy_upstream_connect_failures_total{direction=\"egress\"} 1.0\n")
                .contains("udsproxy_bytes_total{direction=\"inbound\",towards=\"upstream\"} 1234.0\n")
                .contains("udsproxy_bytes_total{direction=\"inbound\",towards=\"client\"} 0.0\n")
                .containsPattern("(?m)^udsproxy_direct_memory_used_bytes \\d+\\.\\d+$");
        for (String line : text.split("\n")) {
            assertThat(line).matches("# (HELP|TYPE) \\w+ .+|\\w+(\\{[^}]*})? -?\\d+(\\.\\d+)?(E-?\\d+)?");
        }
    }

    @Test
    void histogramsCountIntoTheirBuckets() {
        ProxyMetrics metrics = new ProxyMetrics();
        metrics.of(Direction.INBOUND).upstreamConnectSeconds.observe(0.0003);
        metrics.of(Direction.INBOUND).upstreamConnectSeconds.observe(0.2);
        metrics.of(Direction.EGRESS).connectionSeconds.observe(42);

        String text = new MetricsExposition(metrics, UnpooledByteBufAllocator.DEFAULT).scrape();

        assertThat(text)
                .contains("# TYPE udsproxy_upstream_connect_seconds histogram\n")
                .contains("udsproxy_upstream_connect_seconds_bucket{direction=\"inbound\",le=\"5.0E-4\"} 1\n")
                .contains("udsproxy_upstream_connect_seconds_bucket{direction=\"inbound\",le=\"0.1\"} 1\n")
                .contains("udsproxy_upstream_connect_seconds_bucket{direction=\"inbound\",le=\"0.25\"} 2\n")
                .contains("udsproxy_upstream_connect_seconds_bucket{direction=\"inbound\",le=\"5.0\"} 2\n")
                .contains("udsproxy_upstream_connect_seconds_bucket{direction=\"inbound\",le=\"+Inf\"} 2\n")
                .contains("udsproxy_upstream_connect_seconds_count{direction=\"inbound\"} 2\n")
                .contains("# TYPE udsproxy_connection_duration_seconds histogram\n")
                .contains("udsproxy_connection_duration_seconds_bucket{direction=\"egress\",le=\"30.0\"} 0\n")
                .contains("udsproxy_connection_duration_seconds_bucket{direction=\"egress\",le=\"60.0\"} 1\n")
                .contains("udsproxy_connection_duration_seconds_bucket{direction=\"egress\",le=\"3600.0\"} 1\n")
                .contains("udsproxy_connection_duration_seconds_sum{direction=\"egress\"} 42.0\n");
    }

    @Test
    void processMetricsOfThisJvm() {
        String text = new MetricsExposition(new ProxyMetrics(), UnpooledByteBufAllocator.DEFAULT).scrape();

        assertThat(text)
                .containsPattern("(?m)^process_resident_memory_bytes [1-9]")
                .containsPattern("(?m)^process_open_fds [1-9]")
                .containsPattern("(?m)^process_cpu_seconds_total \\d");
    }
}
