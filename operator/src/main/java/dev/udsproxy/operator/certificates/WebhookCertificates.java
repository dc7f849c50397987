package dev.udsproxy.operator.certificates;

import dev.udsproxy.operator.OperatorConfig;
import dev.udsproxy.operator.OperatorConfig.CertificateSource;
import dev.udsproxy.operator.OwnerReferences;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Keeps the webhook's certificates in a Secret and the caBundle of the
 * MutatingWebhookConfiguration in step with them. The Secret is the one truth shared by all
 * replicas: whoever writes first wins (resourceVersion), the others read what was written.
 */
@ApplicationScoped
public class WebhookCertificates {
    private static final Logger LOG = Logger.getLogger(WebhookCertificates.class);
    /** Writes lost to other replicas before giving up: each retry reads what the others wrote, so a second try most often finds it done. */
    private static final int CONFLICT_ATTEMPTS = 5;

    private final KubernetesClient client;
    private final OperatorConfig config;
    private final CertificatePlanner planner;
    private final OwnerReferences owners;
    private final Clock clock;

    public WebhookCertificates(KubernetesClient client, OperatorConfig config, OwnerReferences owners) {
        this.client = client;
        this.config = config;
        this.owners = owners;
        this.clock = Clock.systemUTC();
        var webhook = config.webhook();
        String service = webhook.serviceName() + "." + config.namespace();
        List<String> dns = new ArrayList<>(List.of(service + ".svc", service + ".svc.cluster.local"));
        webhook.extraDnsNames().ifPresent(dns::addAll);
        this.planner = new CertificatePlanner(new CertificatePlanner.Settings(List.copyOf(dns),
                webhook.extraIpAddresses().orElse(List.of()), webhook.caValidity(), webhook.servingValidity()));
    }

    /** What to serve now: issued or renewed first when the operator owns the certificates. */
    public ServingMaterial ensure() {
        if (config.webhook().certificates() == CertificateSource.CERT_MANAGER) {
            return fromCertManager();
        }
        for (int attempt = 1; ; attempt++) {
            Secret secret = secrets().get();
            var stored = StoredCertificates.fromSecretData(secret == null ? null : secret.getData());
            var plan = planner.plan(stored, clock.instant());
            StoredCertificates current = stored.orElse(null);
            if (plan.action() != CertificatePlanner.Action.KEEP) {
                current = planner.apply(plan, stored, clock.instant());
                try {
                    write(secret, current);
                    LOG.infof("webhook certificates: %s (%s)", plan.action(), plan.reason());
                } catch (KubernetesClientException e) {
                    if (e.getCode() == 409 && attempt < CONFLICT_ATTEMPTS) {
                        continue; // another replica wrote first: use what it wrote
                    }
                    throw e;
                }
            } else {
                // Kept as it is, but a Secret of an older operator gets its owner (written ones have it already).
                owners.adopt(secret);
            }
            patchCaBundle(current.bundlePem());
            return current.material();
        }
    }

    private void write(Secret existing, StoredCertificates certificates) {
        Secret secret = new SecretBuilder()
                .withNewMetadata().withName(config.webhook().secretName()).withNamespace(config.namespace())
                    .addToLabels("app.kubernetes.io/managed-by", "udsproxy-operator")
                    .withResourceVersion(existing == null ? null : existing.getMetadata().getResourceVersion())
                    .withOwnerReferences(owners.forNew(existing == null ? null : existing.getMetadata().getOwnerReferences()))
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(certificates.toSecretData())
                .build();
        if (existing == null) {
            client.secrets().inNamespace(config.namespace()).resource(secret).create();
        } else {
            client.secrets().inNamespace(config.namespace()).resource(secret).update();
        }
    }

    /**
     * Every webhook of our configuration trusts the bundle; a no-op when it already does. fabric8's edit sends the
     * resourceVersion it read, so two replicas starting together can meet a 409 here (seen: the second replica of
     * LeaderHandoverIT exited at start-up). Both derive the bundle from the one Secret, so on a conflict the
     * configuration is read again, and most often already holds it.
     */
    private void patchCaBundle(String bundlePem) {
        String caBundle = Base64.getEncoder().encodeToString(bundlePem.getBytes(StandardCharsets.UTF_8));
        var configurations = client.admissionRegistration().v1().mutatingWebhookConfigurations();
        String name = config.webhook().configurationName();
        for (int attempt = 1; ; attempt++) {
            var current = configurations.withName(name).get();
            if (current == null) {
                LOG.warnf("MutatingWebhookConfiguration %s not found: its caBundle is set once it exists", name);
                return;
            }
            if (current.getWebhooks().stream().allMatch(w -> caBundle.equals(w.getClientConfig().getCaBundle()))) {
                return;
            }
            try {
                configurations.resource(current).edit(c -> {
                    for (MutatingWebhook w : c.getWebhooks()) {
                        w.getClientConfig().setCaBundle(caBundle);
                    }
                    return c;
                });
                LOG.infof("caBundle of MutatingWebhookConfiguration %s updated", name);
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= CONFLICT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** cert-manager writes tls.crt, tls.key and ca.crt; its cainjector sets the caBundle. */
    private ServingMaterial fromCertManager() {
        Secret secret = secrets().get();
        Map<String, String> data = secret == null ? Map.of() : Optional.ofNullable(secret.getData()).orElse(Map.of());
        if (!data.containsKey("tls.crt") || !data.containsKey("tls.key")) {
            throw new IllegalStateException("udsproxy.webhook.certificates=cert-manager but Secret "
                    + config.namespace() + "/" + config.webhook().secretName() + " has no tls.crt and tls.key yet");
        }
        String cert = decode(data.get("tls.crt"));
        var serving = Pem.certificates(cert).get(0);
        return new ServingMaterial(cert, decode(data.get("tls.key")), decode(data.getOrDefault("ca.crt", "")),
                serving.getNotBefore().toInstant(), serving.getNotAfter().toInstant());
    }

    private io.fabric8.kubernetes.client.dsl.Resource<Secret> secrets() {
        return client.secrets().inNamespace(config.namespace()).withName(config.webhook().secretName());
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
