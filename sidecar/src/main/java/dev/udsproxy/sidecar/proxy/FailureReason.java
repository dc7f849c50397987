package dev.udsproxy.sidecar.proxy;

import io.netty.channel.ConnectTimeoutException;
import java.io.FileNotFoundException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/**
 * Why an upstream could not be reached, in a word a person (and a log query) can act on. Pure. Netty's native
 * transport reports errno as text in the message ("connect(..) failed: Connection refused"), hence the look at it.
 */
public enum FailureReason {
    /** The app's socket file is not there (the app has not started listening, or listens elsewhere). */
    ABSENT,
    /** Nothing accepts: a socket file whose process is gone, or a TCP port nobody listens on. */
    REFUSED,
    /** No answer within the connect timeout. */
    TIMEOUT,
    /** The egress host name does not resolve. */
    DNS,
    OTHER;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FailureReason of(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return TIMEOUT;
        }
        if (cause instanceof UnknownHostException) {
            return DNS;
        }
        if (cause instanceof NoSuchFileException || cause instanceof FileNotFoundException) {
            return ABSENT;
        }
        String message = cause.getMessage() == null ? "" : cause.getMessage().toLowerCase(Locale.ROOT);
        if (message.contains("no such file")) {
            return ABSENT;
        }
        if (message.contains("connection refused")) {
            return REFUSED;
        }
        if (message.contains("timed out")) {
            return TIMEOUT;
        }
        return OTHER;
    }
}
