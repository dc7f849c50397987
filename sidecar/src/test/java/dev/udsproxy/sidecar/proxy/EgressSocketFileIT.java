package dev.udsproxy.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.udsproxy.sidecar.testing.Conversations;
import dev.udsproxy.sidecar.testing.SocketServer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Before binding an egress socket: stale files go, live sockets and other files stop the start. */
class EgressSocketFileIT {
    @TempDir
    Path dir;

    @Test
    void aStaleSocketIsRemoved() throws Exception {
        Path path = dir.resolve("egress/redis.sock");
        Files.createDirectories(path.getParent());
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(path));
        } // closed without unlinking: what a killed process leaves behind

        assertThat(EgressSocketFile.inspect(path)).isEqualTo(EgressSocketFile.State.STALE);
        EgressSocketFile.prepare(path);
        assertThat(path).doesNotExist();
    }

    @Test
    void aLiveSocketIsLeftAloneAndRefused() throws Exception {
        Path path = dir.resolve("egress/redis.sock");
        Files.createDirectories(path.getParent());
        try (SocketServer alive = SocketServer.unix(path, Conversations::echo)) {
            assertThatThrownBy(() -> EgressSocketFile.prepare(path))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("in use by another process");
            assertThat(path).exists();
        }
    }

    @Test
    void aRegularFileIsNeverDeleted() throws Exception {
        Path path = dir.resolve("egress/redis.sock");
        Files.createDirectories(path.getParent());
        Files.writeString(path, "not a socket");

        assertThatThrownBy(() -> EgressSocketFile.prepare(path)).hasMessageContaining("not a socket");
        assertThat(path).hasContent("not a socket");
    }

    @Test
    void restrictGivesOwnerAndGroupOnly() throws Exception {
        Path path = dir.resolve("x.sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(path));
            EgressSocketFile.restrict(path);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-rw----");
        }
    }
}
