package dev.udsproxy.example.quarkus;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Quarkus's configuration from what the udsproxy sidecar named: with {@code UDSPROXY_SOCKET}, listen on that Unix
 * domain socket, not on TCP; with {@code UDSPROXY_EGRESS_REDIS} (the route {@code udsproxy.dev/egress: redis=...}),
 * the Redis client connects to the sidecar's socket for that route. Without them this source is empty: Quarkus
 * listens on {@code quarkus.http.port} and Redis is {@code quarkus.redis.hosts}, as usual. A config source because {@code application.properties} cannot turn a
 * variable's presence into the boolean {@code quarkus.http.domain-socket-enabled}. Ordinal 275: above
 * application.properties (250), below the environment (300), so a user's own QUARKUS_HTTP_* still wins.
 */
public class SidecarSocketConfig implements ConfigSource {
    static final String ENV = "UDSPROXY_SOCKET";
    /** The injector's name for the route {@code redis}: UDSPROXY_EGRESS_ and the name upper-cased. */
    static final String REDIS_ENV = "UDSPROXY_EGRESS_REDIS";
    private final Map<String, String> properties;

    public SidecarSocketConfig() {
        this(System.getenv(ENV), System.getenv(REDIS_ENV));
    }

    SidecarSocketConfig(String socket, String redisSocket) {
        Map<String, String> p = new HashMap<>();
        if (socket != null && !socket.isEmpty()) {
            p.put("quarkus.http.domain-socket", socket);
            p.put("quarkus.http.domain-socket-enabled", "true");
            p.put("quarkus.http.host-enabled", "false");
        }
        if (redisSocket != null && !redisSocket.isEmpty()) {
            // Vert.x Redis's form for a Unix domain socket: unix:// and the absolute path.
            p.put("quarkus.redis.hosts", "unix://" + redisSocket);
        }
        this.properties = Map.copyOf(p);
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
