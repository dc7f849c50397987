package dev.udsproxy.sidecar.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** Server behaviours used by several tests. */
public final class Conversations {
    private Conversations() {
    }

    public static void echo(SocketChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        while (ch.read(buf) >= 0) {
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            buf.clear();
        }
    }

    /** Reads exactly {@code n} bytes or fails at EOF. */
    public static byte[] readExactly(SocketChannel ch, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new IOException("EOF after " + buf.position() + " of " + n + " bytes");
            }
        }
        return buf.array();
    }

    /** Reads until EOF and returns the count. */
    public static long drain(SocketChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        long total = 0;
        int n;
        while ((n = ch.read(buf)) >= 0) {
            total += n;
            buf.clear();
        }
        return total;
    }

    /** The peer ended the connection: EOF, or a reset; fails if a byte arrives instead. */
    public static void assertEnded(SocketChannel ch) {
        try {
            int n = ch.read(ByteBuffer.allocate(16));
            if (n >= 0) {
                throw new AssertionError("expected the connection to end, but read " + n + " bytes");
            }
        } catch (IOException reset) {
            // a reset also ends it
        }
    }

    public static void writeAll(SocketChannel ch, byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
