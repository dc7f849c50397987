package dev.udsproxy.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.udsproxy.contract.AdminShutdown;
import dev.udsproxy.contract.LogFormat;
import dev.udsproxy.contract.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SidecarConfigTest {
    /** What the sidecar runs with when nothing is set: the contract's defaults. */
    static Map<Setting, String> defaults() {
        Map<Setting, String> raw = new EnumMap<>(Setting.class);
        for (Setting setting : Setting.values()) {
            raw.put(setting, setting.defaultValue());
        }
        return raw;
    }

    @Test
    void defaultsAndAFullEgressList() {
        Map<Setting, String> raw = defaults();
        raw.put(Setting.EGRESS, "redis=redis.default.svc:6379, api=[fd00::1]:443");
        raw.put(Setting.PROXY_PROTOCOL, "V2");
        raw.put(Setting.CONNECT_TIMEOUT, "250ms");

        SidecarConfig c = SidecarConfig.parse(raw);

        assertThat(c.listen()).isEqualTo(new HostPort("0.0.0.0", 8080));
        assertThat(c.upstream()).isEqualTo(new AppUpstream.Unix(Path.of("/var/run/udsproxy/app.sock")));
        assertThat(c.egress()).containsExactly(
                new EgressRoute("redis", new HostPort("redis.default.svc", 6379)),
                new EgressRoute("api", new HostPort("fd00::1", 443)));
        assertThat(c.egressSocket(c.egress().get(0))).isEqualTo(Path.of("/var/run/udsproxy/egress/redis.sock"));
        assertThat(c.proxyProtocol()).isEqualTo(ProxyProtocol.V2);
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(c.adminShutdown()).isEqualTo(AdminShutdown.LOOPBACK);
        assertThat(c.logFormat()).isEqualTo(LogFormat.TEXT);
        assertThat(c.backlog()).isEqualTo(4096);
        assertThat(c.transport()).isEqualTo(TransportKind.AUTO);
    }

    @ParameterizedTest
    @CsvSource({"auto, AUTO", "io_uring, IO_URING", "IO_URING, IO_URING", "epoll, EPOLL", "nio, NIO"})
    void everyTransportHasItsName(String value, TransportKind kind) {
        Map<Setting, String> raw = defaults();
        raw.put(Setting.TRANSPORT, value);
        assertThat(SidecarConfig.parse(raw).transport()).isEqualTo(kind);
    }

    @Test
    void aTcpUpstreamIsAHostAndPort() {
        Map<Setting, String> raw = defaults();
        raw.put(Setting.UPSTREAM, "tcp:127.0.0.1:8080");
        assertThat(SidecarConfig.parse(raw).upstream()).isEqualTo(new AppUpstream.Tcp(new HostPort("127.0.0.1", 8080)));
    }

    @Test
    void theLargestDurationsTheCrdAdmitsCountAsTenYears() {
        Map<Setting, String> raw = defaults();
        raw.put(Setting.CONNECT_TIMEOUT, "999999999h");
        raw.put(Setting.IDLE_TIMEOUT, "999999999m");
        raw.put(Setting.SHUTDOWN_GRACE, "999999999s");
        raw.put(Setting.DRAIN_TIMEOUT, "999999999h");

        SidecarConfig c = SidecarConfig.parse(raw);

        assertThat(c.connectTimeout()).isEqualTo(Duration.ofDays(3650));
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofDays(3650));
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofDays(3650));
        assertThat(c.drainTimeout().toNanos()).as("no overflow where deadlines are computed").isPositive();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "LISTEN          | 8080                    | host:port",
        "LISTEN          | 0.0.0.0:70000           | port from 1 to 65535",
        "LISTEN          | ::1:80                  | [addr]:port",
        "ADMIN           | localhost:              | host:port",
        "UPSTREAM        | /var/run/app.sock       | unix:/absolute/path",
        "UPSTREAM        | unix:relative.sock      | unix:/absolute/path",
        "EGRESS          | redis                   | name=host:port",
        "EGRESS          | Redis=r:6379            | name is 1-63 of",
        "EGRESS          | a=r:1,a=s:2             | each name once",
        "EGRESS          | a=r:0                   | port 1-65535",
        "SOCKET_DIR      | relative/dir            | absolute directory",
        "PROXY_PROTOCOL  | v3                      | off, v1 or v2",
        "CONNECT_TIMEOUT | 5                       | unit ms, s, m or h",
        "CONNECT_TIMEOUT | 0s                      | greater than zero",
        "IDLE_TIMEOUT    | -1s                     | 0s disables it",
        "DRAIN_TIMEOUT   | 1234567890s             | unit ms, s, m or h",
        "MAX_CONNECTIONS | 0                       | from 1 to 1000000",
        "IO_THREADS      | many                    | from 1 to 64",
        "TRANSPORT       | kqueue                  | auto, io_uring, epoll or nio",
        "TRANSPORT       | uring                   | auto, io_uring, epoll or nio",
        "UPSTREAM        | tcp:localhost           | or tcp:HOST:PORT",
        "BACKLOG         | 0                       | from 1 to 65535",
        "BACKLOG         | lots                    | from 1 to 65535",
        "ADMIN_SHUTDOWN  | anyone                  | expected loopback or off",
        "LOG_FORMAT      | logfmt                  | expected text or json",
    })
    void aBadValueNamesSettingValueAndWhatIsAllowed(Setting setting, String value, String allowed) {
        Map<Setting, String> raw = defaults();
        raw.put(setting, value);

        assertThatThrownBy(() -> SidecarConfig.parse(raw))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(setting.flag())
                .hasMessageContaining(setting.env())
                .hasMessageContaining("\"" + value + "\"")
                .hasMessageContaining(allowed);
    }

    @Test
    void socketPathsLongerThanTheKernelLimitAreRefused() {
        Map<Setting, String> raw = defaults();
        raw.put(Setting.UPSTREAM, "unix:/" + "a".repeat(120));

        assertThatThrownBy(() -> SidecarConfig.parse(raw)).hasMessageContaining("longer than 107 bytes");
    }
}
