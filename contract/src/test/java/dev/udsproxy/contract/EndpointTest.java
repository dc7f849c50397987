package dev.udsproxy.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTest {

    @ParameterizedTest
    @CsvSource({"0.0.0.0:8080, 0.0.0.0, 8080", "localhost:1, localhost, 1", "[::]:15090, ::, 15090",
        "[fd00::1]:443, fd00::1, 443", "redis.default.svc.cluster.local:6379, redis.default.svc.cluster.local, 6379",
        "A-1.example:65535, A-1.example, 65535"})
    void hostAndPort(String value, String host, int port) {
        Endpoint e = Endpoint.parse(value);
        assertThat(e).isEqualTo(new Endpoint(host, port));
        assertThat(Endpoint.parse(e.toString())).isEqualTo(e);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8080", ":80", "h:", "h:0", "h:65536", "h:+80", "h:8o", "::1:80", "[::1:80", "[]:80",
        "[zz]:80", "my_host:80", "-h:80", "h-:80", "a..b:80", " h:80", "h:80 "})
    void anythingElseIsRefusedSayingWhatIsAllowed(String value) {
        assertThatThrownBy(() -> Endpoint.parse(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected host:port (IPv6 as [addr]:port) with a port from 1 to 65535, e.g. 0.0.0.0:8080");
    }
}
