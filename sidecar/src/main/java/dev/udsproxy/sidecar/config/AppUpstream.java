package dev.udsproxy.sidecar.config;

import dev.udsproxy.contract.Setting;
import dev.udsproxy.contract.SocketPaths;
import java.nio.file.Path;

/**
 * Where inbound connections go: the app's Unix socket (the product's point), or a TCP address. TCP is there for
 * the comparison with loopback-TCP sidecars (bench/) and for an app that cannot listen on a socket file yet.
 */
public sealed interface AppUpstream {
    String TCP_PREFIX = "tcp:";

    record Unix(Path path) implements AppUpstream {
        @Override
        public String toString() {
            return SocketPaths.UNIX_PREFIX + path;
        }
    }

    record Tcp(HostPort address) implements AppUpstream {
        @Override
        public String toString() {
            return TCP_PREFIX + address;
        }
    }

    static AppUpstream parse(String value) {
        String unix = SocketPaths.UNIX_PREFIX;
        String allowed = "expected " + unix + "/absolute/path/to/app.sock (at most " + SocketPaths.MAX_PATH_BYTES
                + " bytes) or " + TCP_PREFIX + "HOST:PORT";
        String v = value.trim();
        if (v.startsWith(TCP_PREFIX)) {
            HostPort hp;
            try {
                hp = HostPort.parse(Setting.UPSTREAM, v.substring(TCP_PREFIX.length()));
            } catch (ConfigException e) {
                throw new ConfigException(Setting.UPSTREAM, value, allowed);
            }
            return new Tcp(hp);
        }
        if (!v.startsWith(unix) || !v.startsWith("/", unix.length())) {
            throw new ConfigException(Setting.UPSTREAM, value, allowed);
        }
        String path = v.substring(unix.length());
        if (path.endsWith("/")) {
            throw new ConfigException(Setting.UPSTREAM, value, allowed);
        }
        SettingValues.checkSocketPath(Setting.UPSTREAM, value, path);
        return new Unix(Path.of(path));
    }
}
