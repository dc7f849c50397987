package dev.udsproxy.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EgressRouteTest {

    @Test
    void aListOfRoutesWithNamesHostsAndIpv6() {
        var routes = EgressRoute.parseList("redis=redis.cache.svc:6379, billing-api=[fd00::1]:8443,x=10.0.0.1:1");

        assertThat(routes).containsExactly(
                new EgressRoute("redis", new Endpoint("redis.cache.svc", 6379)),
                new EgressRoute("billing-api", new Endpoint("fd00::1", 8443)),
                new EgressRoute("x", new Endpoint("10.0.0.1", 1)));
        assertThat(routes.get(1).spec()).isEqualTo("billing-api=[fd00::1]:8443");
        assertThat(routes.get(1).socketPath("/var/run/udsproxy")).isEqualTo("/var/run/udsproxy/egress/billing-api.sock");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void blankIsNoRoute(String value) {
        assertThat(EgressRoute.parseList(value)).isEmpty();
        assertThat(EgressRoute.parseList(null)).isEmpty();
    }

    @Test
    void whatItWritesItReadsBack() {
        var routes = EgressRoute.parseList("a=h:1,b-2=[::1]:65535");
        String written = EgressRoute.specList(routes);
        assertThat(written).isEqualTo("a=h:1,b-2=[::1]:65535");
        assertThat(EgressRoute.parseList(written)).isEqualTo(routes);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "redis                 | \"redis\" is not a route (no name=)",
        "Redis=h:1             | \"Redis=h:1\" is not a route (the name is no DNS label)",
        "a_b=h:1               | \"a_b=h:1\" is not a route (the name is no DNS label)",
        "-a=h:1                | \"-a=h:1\" is not a route (the name is no DNS label)",
        "=h:1                  | \"=h:1\" is not a route (the name is no DNS label)",
        "a=h:1,a=h:2           | \"a=h:2\" is not a route (the name a comes twice)",
        "a=h:0                 | \"a=h:0\" is not a route (the target is no host:port",
        "a=h:99999             | \"a=h:99999\" is not a route (the target is no host:port",
        "a=h                   | \"a=h\" is not a route (the target is no host:port",
        "a=::1:80              | \"a=::1:80\" is not a route (the target is no host:port",
        "a=my_host:80          | \"a=my_host:80\" is not a route (the target is no host:port",
        "'a=h:1,'              | \"\" is not a route (no name=)",
    })
    void aBadRouteIsNamedWithWhyAndWhatIsAllowed(String value, String problem) {
        assertThatThrownBy(() -> EgressRoute.parseList(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(EgressRoute.ALLOWED + "; ")
                .hasMessageContaining(problem);
    }

    @Test
    void theLongestNameIs63() {
        String longest = "a".repeat(63);
        assertThat(EgressRoute.parseList(longest + "=h:1")).hasSize(1);
        assertThatThrownBy(() -> EgressRoute.parseList(longest + "a=h:1")).hasMessageContaining("no DNS label");
    }

    @Test
    void everyEgressSocketFitsTheKernelLimitInTheDefaultFolder() {
        SocketPaths.checkFits(SocketPaths.egressSocket(Defaults.SOCKET_DIR, "a".repeat(63)));
    }
}
