package dev.udsproxy.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * All settings of the operator, in one place; Quarkus validates them at start and names the
 * property that is wrong. Env form: {@code UDSPROXY_WEBHOOK_PORT} for {@code udsproxy.webhook.port}.
 */
@ConfigMapping(prefix = "udsproxy")
public interface OperatorConfig {

    /** Where the README installs the chart; the CLI's default too. */
    String DEFAULT_NAMESPACE = "udsproxy-system";

    /** The operator's own namespace: never injected; home of the webhook Secret. */
    @WithDefault(DEFAULT_NAMESPACE)
    String namespace();

    /**
     * Namespaces never injected besides kube-system, kube-public, kube-node-lease and {@link #namespace()}: the
     * chart passes its webhook.excludedNamespaces, which its webhook selectors never send, so that the operator's
     * own decisions (the readiness gate on Pod templates, the census) agree with them.
     */
    Optional<List<String>> excludedNamespaces();

    Webhook webhook();

    /**
     * The operator's own Deployment in {@link #namespace()} (the chart sets it): owner of the Secret and the Lease the
     * operator creates, so that they go with it ({@link OwnerReferences}). Unset: they stay after an uninstall.
     */
    Optional<String> ownerDeployment();

    /** With several replicas: only the Lease holder reconciles; every replica serves the webhook. */
    @WithDefault("false")
    boolean leaderElection();

    @WithDefault("udsproxy-operator")
    String leaderElectionLease();

    /**
     * When the catch-up tries again to evict opted-in Pods without the sidecar that a PodDisruptionBudget kept, and
     * the longest a paced roll waits to look again. Not a polling interval: Pods, workloads and profiles wake the
     * profile reconciler through its event sources, and a quiet cluster sees no request.
     */
    @WithDefault("PT2M")
    Duration catchUpInterval();

    interface Webhook {
        @WithDefault("0.0.0.0")
        String host();

        @WithDefault("8443")
        int port();

        /** The Service in front of the webhook: its DNS names go into the serving certificate. */
        @WithDefault("udsproxy-operator-webhook")
        String serviceName();

        /** The MutatingWebhookConfiguration whose caBundle the operator keeps current. */
        @WithDefault("udsproxy-operator")
        String configurationName();

        @WithDefault("udsproxy-webhook-tls")
        String secretName();

        /** operator: the operator issues and rotates; cert-manager: it only serves what cert-manager puts in the Secret. */
        @WithDefault("operator")
        CertificateSource certificates();

        /** More names for the serving certificate, e.g. localhost when the API server calls by URL. */
        Optional<List<String>> extraDnsNames();

        Optional<List<String>> extraIpAddresses();

        @WithDefault("P3650D")
        Duration caValidity();

        @WithDefault("P90D")
        Duration servingValidity();

        @WithDefault("PT10M")
        Duration checkInterval();
    }

    enum CertificateSource {
        OPERATOR, CERT_MANAGER
    }
}
