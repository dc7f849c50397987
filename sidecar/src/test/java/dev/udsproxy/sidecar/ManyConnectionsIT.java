package dev.udsproxy.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.sidecar.testing.Conversations;
import dev.udsproxy.sidecar.testing.RunningSidecar;
import dev.udsproxy.sidecar.testing.SocketServer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 1,000 connections open at the same time, each doing round trips: no errors, all counted. */
class ManyConnectionsIT {
    private static final int CONNECTIONS = 1000;
    private static final int ROUND_TRIPS = 20;

    @TempDir
    Path dir;

    @Test
    void thousandConcurrentConnectionsWithoutErrors() throws Exception {
        try (SocketServer app = SocketServer.unix(dir.resolve("app.sock"), Conversations::echo);
             RunningSidecar sidecar = RunningSidecar.start(dir, RunningSidecar.settings(dir))) {
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            CountDownLatch allOpen = new CountDownLatch(CONNECTIONS);
            CountDownLatch done = new CountDownLatch(CONNECTIONS);
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                int id = c;
                threads.add(Thread.ofVirtual().start(() -> {
                    try (SocketChannel ch = sidecar.connect()) {
                        allOpen.countDown();
                        // Every connection is open before any traffic: they are really concurrent.
                        allOpen.await();
                        byte[] msg = new byte[64];
                        for (int i = 0; i < ROUND_TRIPS; i++) {
                            Arrays.fill(msg, (byte) (id + i));
                            Conversations.writeAll(ch, msg);
                            assertThat(Conversations.readExactly(ch, 64)).isEqualTo(msg);
                        }
                    } catch (Throwable t) {
                        errors.add(t);
                        allOpen.countDown();
                    } finally {
                        done.countDown();
                    }
                }));
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).as("all connections finished").isTrue();

            assertThat(errors).isEmpty();
            assertThat(app.accepted()).isEqualTo(CONNECTIONS);
            assertThat(sidecar.metric("udsproxy_connections_total", "inbound")).isEqualTo(CONNECTIONS);
            assertThat(sidecar.metric("udsproxy_bytes_total", "inbound"))
                    .isEqualTo((double) CONNECTIONS * ROUND_TRIPS * 64);
        }
    }
}
