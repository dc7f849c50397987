package dev.udsproxy.sidecar.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.contract.AdminShutdown;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QuitPolicyTest {
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.53", "::1", "::ffff:127.0.0.1"})
    void loopbackPeersMayQuit(String peer) throws Exception {
        assertThat(QuitPolicy.refusal(AdminShutdown.LOOPBACK, new InetSocketAddress(InetAddress.getByName(peer), 4000)))
                .isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.10", "10.244.1.7", "fd00::7", "::ffff:192.0.2.10", "0.0.0.0"})
    void otherPeersAreRefusedAndNamed(String peer) throws Exception {
        InetAddress address = InetAddress.getByName(peer);

        assertThat(QuitPolicy.refusal(AdminShutdown.LOOPBACK, new InetSocketAddress(address, 4000)))
                .isEqualTo("quitquitquit is accepted only from loopback (the Pod's own containers); peer "
                        + address.getHostAddress() + " refused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "192.0.2.10"})
    void offRefusesEveryoneAndNamesTheSetting(String peer) throws Exception {
        assertThat(QuitPolicy.refusal(AdminShutdown.OFF, new InetSocketAddress(InetAddress.getByName(peer), 4000)))
                .isEqualTo("quitquitquit is off (UDSPROXY_ADMIN_SHUTDOWN=off)");
    }
}
