package dev.udsproxy.operator.webhook;

import dev.udsproxy.operator.OperatorConfig;
import dev.udsproxy.operator.customresource.SidecarProfile;
import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The cluster as the webhook needs it, from informer caches: an admission must not wait on
 * API calls of its own (the API server is waiting on us, with a timeout).
 */
@ApplicationScoped
public class ClusterInjectionContext implements InjectionContext {
    private static final Logger LOG = Logger.getLogger(ClusterInjectionContext.class);
    /** SidecarContainers is on by default from Kubernetes 1.29. */
    private static final int NATIVE_SIDECAR_MINOR = 29;

    private final KubernetesClient client;
    private final OperatorConfig config;
    private SharedIndexInformer<Namespace> namespaces;
    private SharedIndexInformer<SidecarProfile> profiles;
    private boolean nativeSidecars;

    public ClusterInjectionContext(KubernetesClient client, OperatorConfig config) {
        this.client = client;
        this.config = config;
    }

    /** Idempotent: the webhook and the reconcilers both need the caches, whoever comes first starts them. */
    public synchronized void start() {
        if (namespaces != null) {
            return;
        }
        namespaces = client.namespaces().inform();
        try {
            profiles = client.resources(SidecarProfile.class).inform();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                throw new IllegalStateException("the SidecarProfile CRD (sidecarprofiles.udsproxy.dev) is not installed:"
                        + " apply crds/sidecarprofiles.udsproxy.dev-v1.yml (the Helm chart does)", e);
            }
            throw e;
        }
        var version = client.getKubernetesVersion();
        nativeSidecars = minor(version.getMinor()) >= NATIVE_SIDECAR_MINOR || Integer.parseInt(version.getMajor()) > 1;
        LOG.infof("Kubernetes %s.%s: native sidecars %s", version.getMajor(), version.getMinor(),
                nativeSidecars ? "supported" : "missing, sidecars go first in the containers");
    }

    private static int minor(String minor) {
        return Integer.parseInt(minor.replaceAll("[^0-9]", ""));
    }

    @Override
    public String operatorNamespace() {
        return config.namespace();
    }

    @Override
    public Map<String, String> namespaceLabels(String namespace) {
        Namespace ns = namespaces.getStore().getByKey(namespace);
        if (ns == null) {
            // A namespace created a moment ago may not be in the cache yet: ask once.
            ns = client.namespaces().withName(namespace).get();
        }
        return ns == null || ns.getMetadata().getLabels() == null ? Map.of() : ns.getMetadata().getLabels();
    }

    @Override
    public Optional<SidecarProfileSpec> profile(String name) {
        return Optional.ofNullable(profiles.getStore().getByKey(name)).map(SidecarProfile::getSpec);
    }

    @Override
    public List<String> profileNames() {
        return profiles.getStore().list().stream().map(p -> p.getMetadata().getName()).sorted().toList();
    }

    @Override
    public boolean clusterSupportsNativeSidecars() {
        return nativeSidecars;
    }

    @PreDestroy
    void stop() {
        if (namespaces != null) {
            namespaces.close();
            profiles.close();
        }
    }
}
