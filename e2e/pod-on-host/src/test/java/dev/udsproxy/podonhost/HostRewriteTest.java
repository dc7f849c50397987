package dev.udsproxy.podonhost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostRewriteTest {
    private final HostRewrite rewrite = new HostRewrite(
            Map.of("/var/run/udsproxy", Path.of("/tmp/pod/udsproxy-sockets"), "/app", Path.of("/tmp/pod/source"),
                    "/tmp", Path.of("/tmp/pod/tmp")),
            Map.of(8080, 41001, 15090, 41002));

    @Test
    void mountPathsBecomeTheHostFolders() {
        assertThat(rewrite.apply("/var/run/udsproxy/app.sock")).isEqualTo("/tmp/pod/udsproxy-sockets/app.sock");
        assertThat(rewrite.apply("unix:/var/run/udsproxy/app.sock"))
                .isEqualTo("unix:/tmp/pod/udsproxy-sockets/app.sock");
        assertThat(rewrite.apply("/var/run/udsproxy")).isEqualTo("/tmp/pod/udsproxy-sockets");
        assertThat(rewrite.apply("/app/Example.java")).isEqualTo("/tmp/pod/source/Example.java");
    }

    @Test
    void aHostFolderIsNotRewrittenAgainByAnotherMount() {
        assertThat(rewrite.apply("/app/Example.java")).isEqualTo("/tmp/pod/source/Example.java");
        assertThat(rewrite.apply("/tmp/x")).isEqualTo("/tmp/pod/tmp/x");
    }

    @Test
    void onlyWholePathsAreRewritten() {
        assertThat(rewrite.apply("/application/x")).isEqualTo("/application/x");
        assertThat(rewrite.apply("/opt/app/x")).isEqualTo("/opt/app/x");
        assertThat(rewrite.apply("/var/run/udsproxy2/x")).isEqualTo("/var/run/udsproxy2/x");
    }

    @Test
    void theContainersOwnPortsMoveToTheirHostPorts() {
        assertThat(rewrite.apply("0.0.0.0:8080")).isEqualTo("0.0.0.0:41001");
        assertThat(rewrite.apply("127.0.0.1:15090")).isEqualTo("127.0.0.1:41002");
        assertThat(rewrite.apply("--admin=[::]:15090")).isEqualTo("--admin=[::]:41002");
    }

    @Test
    void remoteAddressesAndUndeclaredPortsStay() {
        assertThat(rewrite.apply("redis=redis.default.svc:8080")).isEqualTo("redis=redis.default.svc:8080");
        assertThat(rewrite.apply("echo=127.0.0.1:6379")).isEqualTo("echo=127.0.0.1:6379");
        assertThat(rewrite.apply("0.0.0.0:80800")).isEqualTo("0.0.0.0:80800");
        assertThat(rewrite.apply("10.0.0.0:8080")).isEqualTo("10.0.0.0:8080");
    }

    @Test
    void anUndeclaredPortIsAnError() {
        assertThatThrownBy(() -> rewrite.hostPort(9999)).hasMessageContaining("9999").hasMessageContaining("8080");
    }
}
