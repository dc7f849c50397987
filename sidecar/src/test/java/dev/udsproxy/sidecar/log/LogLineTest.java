package dev.udsproxy.sidecar.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.contract.LogFormat;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LogLineTest {
    private static final Instant T = Instant.parse("2026-12-01T13:00:00.123Z");

    @Test
    void textKeepsTheOldPrefixAndAppendsFields() {
        LogLine line = new LogLine(T, "WARN", "udsproxy.upstream", "upstream connection failed",
                Arrays.asList("peer", "10.0.0.1:4000", "error", null, "reason", "absent"));

        assertThat(line.render(LogFormat.TEXT))
                .isEqualTo("udsproxy-sidecar: WARN upstream connection failed peer=10.0.0.1:4000 reason=absent");
        assertThat(new LogLine(T, "INFO", "x", "drained; stopping", java.util.List.of()).render(LogFormat.TEXT))
                .isEqualTo("udsproxy-sidecar: drained; stopping");
    }

    @Test
    void jsonIsOneObjectWithEscapedStrings() {
        LogLine line = new LogLine(T, "WARN", "udsproxy.upstream", "say \"hi\"\\\n\tnow\u0001",
                Arrays.asList("upstream", "/run/a b.sock", "error", null));

        assertThat(line.render(LogFormat.JSON)).isEqualTo("{\"time\":\"2026-12-01T13:00:00.123Z\",\"level\":\"WARN\","
                + "\"logger\":\"udsproxy.upstream\",\"message\":\"say \\\"hi\\\"\\\\\\n\\tnow\\u0001\","
                + "\"upstream\":\"/run/a b.sock\"}");
    }
}
