package dev.udsproxy.example.quarkus;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Every GET: {@code 200 "hello from example-quarkus over unix, path /anything"} ("over tcp" without the sidecar).
 */
@Path("/")
public class HelloResource {
    static final String NAME = "example-quarkus";
    private static final Logger LOG = Logger.getLogger(HelloResource.class);
    private static final String SOCKET = System.getenv(SidecarSocketConfig.ENV);

    void logTransport(@Observes StartupEvent started, @ConfigProperty(name = "quarkus.http.port") int port) {
        if (SOCKET == null || SOCKET.isEmpty()) {
            LOG.infof("%s: UDSPROXY_SOCKET is not set (no udsproxy sidecar), so TCP 0.0.0.0:%d", NAME, port);
        }
    }

    @GET
    @Path("{path: .*}")
    @Produces(MediaType.TEXT_PLAIN)
    public String hello(@Context UriInfo uri) {
        String query = uri.getRequestUri().getRawQuery();
        return "hello from " + NAME + " over " + (SOCKET == null || SOCKET.isEmpty() ? "tcp" : "unix") + ", path "
                + uri.getRequestUri().getRawPath() + (query == null ? "" : "?" + query) + "\n";
    }
}
