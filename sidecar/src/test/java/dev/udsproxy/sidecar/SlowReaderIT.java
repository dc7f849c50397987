package dev.udsproxy.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.sidecar.testing.RunningSidecar;
import dev.udsproxy.sidecar.testing.SocketServer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app stops reading while a client pushes 64 MiB: the sidecar must stop reading from the client (what it read
 * stops growing) and hold only a bounded amount in Netty's buffers; when the app reads again, all bytes arrive.
 */
class SlowReaderIT {
    private static final long SIZE = 64L * 1024 * 1024;
    private static final String READ_FROM_CLIENT = "udsproxy_bytes_total{direction=\"inbound\",towards=\"upstream\"}";

    @TempDir
    Path dir;

    @Test
    void aStalledAppDoesNotMakeTheSidecarBuffer() throws Exception {
        CountDownLatch resume = new CountDownLatch(1);
        CompletableFuture<String> appSum = new CompletableFuture<>();
        SocketServer.Conversation stalledThenReads = ch -> {
            try {
                resume.await();
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                while (ch.read(buf) >= 0) {
                    buf.flip();
                    sha.update(buf);
                    buf.clear();
                }
                appSum.complete(HexFormat.of().formatHex(sha.digest()));
            } catch (Exception e) {
                appSum.completeExceptionally(e);
            }
        };
        ByteBufAllocatorMetricProvider allocator = (ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT;
        try (SocketServer app = SocketServer.unix(dir.resolve("app.sock"), stalledThenReads);
             RunningSidecar sidecar = RunningSidecar.start(dir, RunningSidecar.settings(dir));
             SocketChannel client = sidecar.connect()) {
            CompletableFuture<String> sent = CompletableFuture.supplyAsync(() -> send(client),
                    r -> Thread.ofVirtual().start(r));

            double plateau = waitForPlateau(sidecar);
            long direct = allocator.metric().usedDirectMemory();

            // Kernel socket buffers (a few MiB at most on loopback) plus our 64 KiB water mark: far below 64 MiB.
            assertThat(plateau).isLessThan(16.0 * 1024 * 1024);
            assertThat(sent).isNotDone();
            assertThat(direct).as("direct memory held by Netty's allocator").isLessThan(8L * 1024 * 1024);

            resume.countDown();
            String sentSum = sent.get(60, TimeUnit.SECONDS);
            client.shutdownOutput();
            assertThat(appSum.get(60, TimeUnit.SECONDS)).isEqualTo(sentSum);
        }
    }

    /** Samples what the sidecar read from the client until it stops changing; returns that value. */
    private static double waitForPlateau(RunningSidecar sidecar) throws Exception {
        double last = -1;
        for (int i = 0; i < 100; i++) {
            Thread.sleep(300);
            double now = sidecar.series(READ_FROM_CLIENT);
            if (now > 0 && now == last) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("the sidecar kept reading from the client: " + last + " bytes");
    }

    private static String send(SocketChannel ch) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            SplittableRandom random = new SplittableRandom(3);
            byte[] chunk = new byte[64 * 1024];
            for (long left = SIZE; left > 0; left -= chunk.length) {
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = (byte) random.nextInt();
                }
                sha.update(chunk);
                ByteBuffer buf = ByteBuffer.wrap(chunk);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
