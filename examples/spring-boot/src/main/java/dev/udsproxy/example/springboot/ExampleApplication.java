package dev.udsproxy.example.springboot;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A stock Spring Boot web app behind the udsproxy sidecar. With {@code UDSPROXY_SOCKET} set (the injected sidecar
 * sets it) embedded Tomcat's connector listens on that Unix domain socket instead of a TCP port; without it (a Pod
 * created without the sidecar) it listens on TCP {@code server.port}, 8080, as any Spring Boot app does.
 *
 * <pre>GET /anything  200 "hello from example-spring-boot over unix, path /anything"</pre>
 */
@SpringBootApplication
@RestController
public class ExampleApplication {
    static final String NAME = "example-spring-boot";
    private static final Logger LOG = LoggerFactory.getLogger(ExampleApplication.class);
    private static final String SOCKET = System.getenv("UDSPROXY_SOCKET");

    public static void main(String[] args) {
        SpringApplication.run(ExampleApplication.class, args);
    }

    /** The one line that matters: Tomcat's NIO connector binds a Unix domain socket when given its path. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> unixSocket() {
        return factory -> {
            if (SOCKET == null || SOCKET.isEmpty()) {
                LOG.info("{}: UDSPROXY_SOCKET is not set (no udsproxy sidecar), so TCP 0.0.0.0:{}", NAME,
                        factory.getPort());
                return;
            }
            // No unixDomainSocketPathPermissions: the socket gets Tomcat's defaults (the process umask).
            factory.addConnectorCustomizers(connector -> connector.setProperty("unixDomainSocketPath", SOCKET));
        };
    }

    @GetMapping("/**")
    String hello(HttpServletRequest request) {
        String query = request.getQueryString();
        return "hello from " + NAME + " over " + (SOCKET == null || SOCKET.isEmpty() ? "tcp" : "unix") + ", path "
                + request.getRequestURI() + (query == null ? "" : "?" + query) + "\n";
    }
}
