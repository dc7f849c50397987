package dev.udsproxy.sidecar.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The Prometheus text: every series once per direction, HELP and TYPE before the samples, values as counted. */
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
                .contains("# TYPE udsproxy_connections_total counter\n"
                        + "udsproxy_connections_total{direction=\"inbound\"} 3\n"
                        + "udsproxy_connections_total{direction=\"egress\"} 0\n")
                .contains("# TYPE udsproxy_connections_active gauge\n")
                .contains("udsproxy_connections_active{direction=\"inbound\"} 2\n")
                .contains("udsproxy_upstream_connect_failures_total{direction=\"egress\"} 1\n")
                .contains("udsproxy_bytes_total{direction=\"inbound\",towards=\"upstream\"} 1234\n")
                .contains("udsproxy_bytes_total{direction=\"inbound\",towards=\"client\"} 0\n")
                .containsPattern("(?m)^udsproxy_direct_memory_used_bytes \\d+$");
        for (String line : text.split("\n")) {
            assertThat(line).matches("# (HELP|TYPE) udsproxy_\\w+ .+|udsproxy_\\w+(\\{[^}]*})? -?\\d+");
        }
    }
}
