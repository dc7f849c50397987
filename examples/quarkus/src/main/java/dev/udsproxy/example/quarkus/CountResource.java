package dev.udsproxy.example.quarkus;

import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code GET /count}: INCR of the key {@code hits} in Redis, {@code 200 "hits N, redis at unix:///..."}: the egress
 * example, the app's client talking to a TCP service through the socket the sidecar listens on for it.
 */
@Path("/count")
public class CountResource {
    private final RedisDataSource redis;
    private final String hosts;

    CountResource(RedisDataSource redis, @ConfigProperty(name = "quarkus.redis.hosts") String hosts) {
        this.redis = redis;
        this.hosts = hosts;
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String count() {
        return "hits " + redis.value(Long.class).incr("hits") + ", redis at " + hosts + "\n";
    }
}
