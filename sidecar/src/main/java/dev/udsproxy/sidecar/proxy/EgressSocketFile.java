package dev.udsproxy.sidecar.proxy;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The socket file an egress listener binds. A file left by a previous run (crash, container restart) blocks
 * bind(); we remove it only when it is a socket nobody answers on, never another live process's socket.
 */
public final class EgressSocketFile {
    private EgressSocketFile() {
    }

    /** The outcome of looking at the path before binding. */
    public enum State { ABSENT, STALE, ALIVE, NOT_A_SOCKET }

    public static State inspect(Path path) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return State.ABSENT;
        }
        if (!attrs.isOther()) {
            return State.NOT_A_SOCKET;
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return State.ALIVE;
        } catch (IOException e) {
            return State.STALE;
        }
    }

    /**
     * Makes the path bindable.
     *
     * @throws IllegalStateException when something alive, or not a socket, is in the way
     */
    public static void prepare(Path path) throws IOException {
        Files.createDirectories(path.getParent());
        switch (inspect(path)) {
            case ABSENT -> {
            }
            case STALE -> Files.delete(path);
            case ALIVE -> throw new IllegalStateException("egress socket " + path
                    + " is in use by another process (it accepted a connection); stop that process or pick another"
                    + " --socket-dir");
            case NOT_A_SOCKET -> throw new IllegalStateException("egress socket path " + path
                    + " exists and is not a socket; remove it or pick another --socket-dir");
        }
    }

    /** Owner and group may connect (the app shares our group), others not. */
    public static void restrict(Path path) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
    }
}
