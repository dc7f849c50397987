package dev.udsproxy.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** The messages are those Netty's epoll and NIO transports give (errno text); the real ones are seen in LogsIT. */
class FailureReasonTest {
    @Test
    void namesTheCommonCauses() {
        assertThat(FailureReason.of(new ConnectException("connect(..) failed: No such file or directory")))
                .isEqualTo(FailureReason.ABSENT);
        assertThat(FailureReason.of(new java.io.FileNotFoundException())).isEqualTo(FailureReason.ABSENT); // epoll ENOENT
        assertThat(FailureReason.of(new NoSuchFileException("/run/app.sock"))).isEqualTo(FailureReason.ABSENT);
        assertThat(FailureReason.of(new ConnectException("finishConnect(..) failed: Connection refused")))
                .isEqualTo(FailureReason.REFUSED);
        assertThat(FailureReason.of(new ConnectTimeoutException("connection timed out after 5000 ms: /10.0.0.1:80")))
                .isEqualTo(FailureReason.TIMEOUT);
        assertThat(FailureReason.of(new UnknownHostException("redis.default.svc"))).isEqualTo(FailureReason.DNS);
        assertThat(FailureReason.of(new IOException("Permission denied"))).isEqualTo(FailureReason.OTHER);
        assertThat(FailureReason.of(new IOException((String) null))).isEqualTo(FailureReason.OTHER);
    }
}
