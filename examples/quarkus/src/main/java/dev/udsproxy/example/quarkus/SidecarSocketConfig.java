package dev.udsproxy.example.quarkus;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Quarkus's HTTP configuration when the udsproxy sidecar named a socket in {@code UDSPROXY_SOCKET}: listen on that
 * Unix domain socket, not on TCP. Without the variable this source is empty and Quarkus listens on
 * {@code quarkus.http.port} as usual. A config source because {@code application.properties} cannot turn a
 * variable's presence into the boolean {@code quarkus.http.domain-socket-enabled}. Ordinal 275: above
 * application.properties (250), below the environment (300), so a user's own QUARKUS_HTTP_* still wins.
 */
public class SidecarSocketConfig implements ConfigSource {
    static final String ENV = "UDSPROXY_SOCKET";
    private final Map<String, String> properties;

    public SidecarSocketConfig() {
        this(System.getenv(ENV));
    }

    SidecarSocketConfig(String socket) {
        this.properties = socket == null || socket.isEmpty() ? Map.of()
                : Map.of("quarkus.http.domain-socket", socket,
                        "quarkus.http.domain-socket-enabled", "true",
                        "quarkus.http.host-enabled", "false");
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "udsproxy-sidecar-socket";
    }

    @Override
    public int getOrdinal() {
        return 275;
    }
}
