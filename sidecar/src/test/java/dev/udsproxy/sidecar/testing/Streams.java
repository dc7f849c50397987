package dev.udsproxy.sidecar.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Sends random bytes through a connection to an echo server and checksums both ends. */
public final class Streams {
    private Streams() {
    }

    /** The SHA-256 of what was sent and of what came back, in that order. */
    public record Checksums(String sent, String received, long receivedBytes) {
    }

    public static Checksums echoRandom(SocketChannel ch, long size, long seed) throws Exception {
        CompletableFuture<String> sent = CompletableFuture.supplyAsync(() -> {
            try {
                MessageDigest sha = sha256();
                SplittableRandom random = new SplittableRandom(seed);
                byte[] chunk = new byte[64 * 1024];
                for (long left = size; left > 0; left -= chunk.length) {
                    int n = (int) Math.min(chunk.length, left);
                    for (int i = 0; i < n; i++) {
                        chunk[i] = (byte) random.nextInt();
                    }
                    sha.update(chunk, 0, n);
                    ByteBuffer buf = ByteBuffer.wrap(chunk, 0, n);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                }
                return HexFormat.of().formatHex(sha.digest());
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        MessageDigest sha = sha256();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        long received = 0;
        while (received < size) {
            int n = ch.read(buf);
            if (n < 0) {
                break;
            }
            received += n;
            buf.flip();
            sha.update(buf);
            buf.clear();
        }
        try {
            return new Checksums(sent.get(), HexFormat.of().formatHex(sha.digest()), received);
        } catch (ExecutionException e) {
            throw new AssertionError("sending failed", e.getCause());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
