package dev.udsproxy.sidecar.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.contract.LogFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** In json mode Netty's java.util.logging lines come out as JSON lines too. */
class JulBridgeTest {
    @Test
    void julRecordsBecomeJsonLines() {
        Logger root = Logger.getLogger("");
        Handler[] saved = root.getHandlers();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            JulBridge.install(new Log(LogFormat.JSON, new PrintStream(out, true, StandardCharsets.UTF_8),
                    Clock.fixed(Instant.parse("2026-12-01T13:00:00Z"), ZoneOffset.UTC)));
            Logger.getLogger("io.netty.test").log(Level.WARNING, "leak of {0}", "a buffer");
        } finally {
            for (Handler h : root.getHandlers()) {
                root.removeHandler(h);
            }
            for (Handler h : saved) {
                root.addHandler(h);
            }
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"time\":\"2026-12-01T13:00:00Z\","
                + "\"level\":\"WARN\",\"logger\":\"io.netty.test\",\"message\":\"leak of a buffer\"}\n");
    }
}
