package dev.udsproxy.operator.injection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.udsproxy.contract.Defaults;
import dev.udsproxy.contract.EgressRoute;
import dev.udsproxy.contract.Endpoint;
import dev.udsproxy.contract.SocketPaths;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AnnotationParserTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "udsproxy.dev/port           | 0                    | allowed is a TCP port number from 1 to 65535",
            "udsproxy.dev/port           | 8080x                | allowed is a TCP port number from 1 to 65535",
            "udsproxy.dev/port           | ' 80'                | allowed is a TCP port number from 1 to 65535",
            "udsproxy.dev/container      | App                  | allowed is a container name",
            "udsproxy.dev/socket         | ../etc/passwd        | allowed is a file name",
            "udsproxy.dev/socket         | egress               | not \"egress\"",
            "udsproxy.dev/egress         | redis                | \"redis\" is not",
            "udsproxy.dev/egress         | a=h:1,a=h:2          | \"a=h:2\" is not",
            "udsproxy.dev/egress         | Redis=h:1            | \"Redis=h:1\" is not",
            "udsproxy.dev/egress         | r=h:99999            | \"r=h:99999\" is not a route (the target is no host:port with a port from 1 to 65535)",
            "udsproxy.dev/egress         | a_b=h:1              | \"a_b=h:1\" is not a route (the name is no DNS label)",
            "udsproxy.dev/egress         | 'r=h:1,'             | \"\" is not",
            "udsproxy.dev/proxy-protocol | v3                   | allowed are \"off\", \"v1\" and \"v2\"",
            "udsproxy.dev/proxy-protocol | V1                   | allowed are \"off\", \"v1\" and \"v2\"",
            "udsproxy.dev/profile        | Fast_Profile         | allowed is the name of a SidecarProfile"})
    void refusalNamesKeyValueAndWhatIsAllowed(String key, String value, String allowed) {
        assertThatThrownBy(() -> AnnotationParser.parse(Map.of(key, value)))
                .isInstanceOf(InvalidAnnotationException.class)
                .hasMessageStartingWith("invalid annotation " + key + "=\"" + value + "\": ")
                .hasMessageContaining(allowed);
    }

    @Test
    void socketNameLeavesThePathWithinSunPath() {
        String longest = "s".repeat(SocketPaths.MAX_APP_SOCKET_NAME);

        assertThat(AnnotationParser.parse(Map.of("udsproxy.dev/socket", longest)).socketPath()).hasSize(107);
        assertThatThrownBy(() -> AnnotationParser.parse(Map.of("udsproxy.dev/socket", longest + "s")))
                .hasMessageContaining("at most 89, so that the socket path fits a Unix socket address");
    }

    @Test
    void optInValueMustBeTrueOrFalseAndTheAnnotationBeatsTheLabel() {
        assertThat(AnnotationParser.optIn(Map.of("udsproxy.dev/inject", "false"), Map.of("udsproxy.dev/inject", "true")))
                .isFalse();
        assertThat(AnnotationParser.optIn(Map.of(), Map.of("udsproxy.dev/inject", "true"))).isTrue();
        assertThat(AnnotationParser.optIn(Map.of(), Map.of())).isNull();
        assertThatThrownBy(() -> AnnotationParser.optIn(Map.of("udsproxy.dev/inject", "yes"), Map.of()))
                .hasMessage("invalid annotation udsproxy.dev/inject=\"yes\": allowed are \"true\" and \"false\"");
    }

    @Test
    void egressRoutesBecomeSocketsAndEnvNames() {
        var request = AnnotationParser.parse(Map.of("udsproxy.dev/egress", "redis=redis.cache:6379, billing-api=[fd00::1]:8443"));

        assertThat(request.egress()).containsExactly(new EgressRoute("redis", new Endpoint("redis.cache", 6379)),
                new EgressRoute("billing-api", new Endpoint("fd00::1", 8443)));
        assertThat(AppEnv.egress(request.egress().get(1))).isEqualTo("UDSPROXY_EGRESS_BILLING_API");
        assertThat(request.egress().get(1).socketPath(Defaults.SOCKET_DIR))
                .isEqualTo("/var/run/udsproxy/egress/billing-api.sock");
        assertThat(request.socketPath()).isEqualTo("/var/run/udsproxy/app.sock");
        assertThat(request.profile()).isEqualTo("default");
    }
}
