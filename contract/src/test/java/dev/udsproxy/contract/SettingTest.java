package dev.udsproxy.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SettingTest {

    @Test
    void flagAndEnvComeFromOneName() {
        assertThat(Setting.SOCKET_DIR.flag()).isEqualTo("--socket-dir");
        assertThat(Setting.SOCKET_DIR.env()).isEqualTo("UDSPROXY_SOCKET_DIR");
        assertThat(Arrays.stream(Setting.values()).map(Setting::env).distinct()).hasSize(Setting.values().length);
    }

    /** The defaults are values of their own grammars: a sidecar started with nothing set starts. */
    @Test
    void everyDefaultParses() {
        Endpoint.parse(Setting.LISTEN.defaultValue());
        Endpoint.parse(Setting.ADMIN.defaultValue());
        assertThat(EgressRoute.parseList(Setting.EGRESS.defaultValue())).isEmpty();
        Durations.parse(Setting.CONNECT_TIMEOUT.defaultValue(), false);
        Durations.parse(Setting.IDLE_TIMEOUT.defaultValue(), true);
        Durations.parse(Setting.SHUTDOWN_GRACE.defaultValue(), true);
        Durations.parse(Setting.DRAIN_TIMEOUT.defaultValue(), true);
        ProxyProtocol.parse(Setting.PROXY_PROTOCOL.defaultValue());
        Transport.parse(Setting.TRANSPORT.defaultValue());
        AdminShutdown.parse(Setting.ADMIN_SHUTDOWN.defaultValue());
        LogFormat.parse(Setting.LOG_FORMAT.defaultValue());
        assertThat(Setting.UPSTREAM.defaultValue()).isEqualTo("unix:/var/run/udsproxy/app.sock");
        assertThat(Setting.ADMIN.defaultValue()).isEqualTo("0.0.0.0:15090");
    }

    @Test
    void theAwaitHookPollsTheAdminPortOnLoopbackWithAParsableTimeout() {
        assertThat(AwaitCommandLine.args(15999))
                .containsExactly("await", "--admin", "127.0.0.1:15999", "--timeout", "60s");
        assertThat(Durations.parse(AwaitCommandLine.DEFAULT_TIMEOUT, false)).isPositive();
        assertThat(Endpoint.parse(AwaitCommandLine.DEFAULT_ADMIN).port()).isEqualTo(Defaults.ADMIN_PORT);
    }

    @Test
    void theSocketPathLimitIsSunPathWithoutItsNul() {
        SocketPaths.checkFits("/" + "a".repeat(106));
        assertThatThrownBy(() -> SocketPaths.checkFits("/" + "a".repeat(107)))
                .hasMessage("the socket path /" + "a".repeat(107)
                        + " is longer than 107 bytes, the limit of a Unix domain socket address");
        assertThatThrownBy(() -> SocketPaths.checkFits("/" + "é".repeat(54))).as("bytes, not chars")
                .hasMessageContaining("longer than 107 bytes");
        assertThat(SocketPaths.appSocket("x".repeat(SocketPaths.MAX_APP_SOCKET_NAME))).hasSize(107);
    }
}
