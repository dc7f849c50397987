/*
 * Run inside a "container" of the host Pod, as that container's user: java UnixLineClient.java SOCKET LINE
 * sends one line to the Unix domain socket and prints the line that comes back. Exit 1, with the
 * reason, when it cannot connect (for instance "Permission denied" for a user outside the socket's group).
 */

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

public class UnixLineClient {
    public static void main(String[] args) {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(args[0]))) {
            channel.write(ByteBuffer.wrap((args[1] + "\n").getBytes(StandardCharsets.UTF_8)));
            var in = new BufferedReader(
                    new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            System.out.println("reply: " + in.readLine());
        } catch (IOException e) {
            System.out.println("cannot connect: " + e.getMessage());
            System.exit(1);
        }
    }
}
