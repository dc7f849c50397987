package dev.udsproxy.operator.webhook;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only once the webhook serves HTTPS: the Service must not send admissions to a replica
 * that is still issuing its certificate.
 */
@Readiness
@ApplicationScoped
public class WebhookReadiness implements HealthCheck {
    private final WebhookLifecycle webhook;

    public WebhookReadiness(WebhookLifecycle webhook) {
        this.webhook = webhook;
    }

    @Override
    public HealthCheckResponse call() {
        var serving = webhook.serving();
        var response = HealthCheckResponse.named("udsproxy-webhook");
        if (!webhook.listening() || serving == null) {
            return response.down().build();
        }
        return response.up().withData("port", webhook.port())
                .withData("certificateValidUntil", serving.notAfter().toString()).build();
    }
}
