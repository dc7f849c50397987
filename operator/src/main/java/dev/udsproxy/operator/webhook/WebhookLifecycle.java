package dev.udsproxy.operator.webhook;

import dev.udsproxy.operator.OperatorConfig;
import dev.udsproxy.operator.certificates.ServingMaterial;
import dev.udsproxy.operator.certificates.WebhookCertificates;
import dev.udsproxy.operator.cluster.ClusterInjectionContext;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Starts the webhook once its certificates exist, and checks them on a timer: a renewed
 * certificate is swapped into the running server, no restart.
 */
@ApplicationScoped
public class WebhookLifecycle {
    private static final Logger LOG = Logger.getLogger(WebhookLifecycle.class);
    /**
     * How long a stopping replica waits for its admissions in flight (the API server gives each at most the
     * webhook's timeoutSeconds, 5 s by default). Inside the chart's terminationGracePeriodSeconds, which allows
     * 15 s for the whole stop after the preStop sleep.
     */
    static final Duration DRAIN_DEADLINE = Duration.ofSeconds(5);

    private final OperatorConfig config;
    private final ClusterInjectionContext context;
    private final WebhookCertificates certificates;
    private final AdmissionReporter reporter;
    /**
     * The webhook's own Vert.x, not the application's: the fabric8 client decodes LIST and WATCH answers on the
     * application's event loops (at 5,000 Pods one decode blocked a loop for 2-6 s, bench/README.md), and an
     * AdmissionReview whose connection sits on such a loop waits with it. One event loop (TLS and HTTP framing
     * only) and a few workers for the admissions themselves, which may block on a cache miss.
     */
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(4)
            .setInternalBlockingPoolSize(1));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "udsproxy-webhook-certificates");
        t.setDaemon(true);
        return t;
    });
    private volatile WebhookServer server;
    private volatile ServingMaterial serving;

    public WebhookLifecycle(OperatorConfig config, ClusterInjectionContext context, WebhookCertificates certificates,
            AdmissionReporter reporter) {
        this.config = config;
        this.context = context;
        this.certificates = certificates;
        this.reporter = reporter;
    }

    void onStart(@Observes StartupEvent event) {
        serving = certificates.ensure();
        WebhookServer started = new WebhookServer(vertx, new AdmissionHandler(context), reporter::report);
        int port = started.start(config.webhook().host(), config.webhook().port(), serving);
        AdmissionWarmUp.run(context, vertx, config.webhook().host(), port); // before ready: see AdmissionWarmUp
        server = started;
        long every = config.webhook().checkInterval().toMillis();
        timer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    /** Also the way in for tests that do not want to wait for the timer. */
    public void renew() {
        try {
            ServingMaterial next = certificates.ensure();
            if (!next.certificatePem().equals(serving.certificatePem())) {
                server.updateTls(next);
                serving = next;
            }
        } catch (RuntimeException e) {
            // The current certificate is still valid (renewal starts with a third of its life left): try again later.
            LOG.errorf(e, "webhook certificate check failed; serving the current one until %s", serving.notAfter());
        }
    }

    public int port() {
        return server.port();
    }

    public boolean listening() {
        return server != null;
    }

    public ServingMaterial serving() {
        return serving;
    }

    /**
     * Drains before the operator SDK's own stop (default priority), which may close the Kubernetes client the caches
     * answer from: admissions in flight are answered, and the API server's kept-alive connections to this replica
     * are closed between requests, not in the middle of one (see {@link WebhookServer#drain}).
     */
    void onStop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 10) ShutdownEvent event) {
        timer.shutdownNow();
        if (server != null) {
            server.drain(DRAIN_DEADLINE);
        }
        vertx.close();
    }
}
