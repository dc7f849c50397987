package dev.udsproxy.operator.cluster;

import dev.udsproxy.operator.OperatorConfig;
import dev.udsproxy.operator.customresource.SidecarProfile;
import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import dev.udsproxy.operator.injection.ClusterFeatures;
import dev.udsproxy.operator.injection.InjectionContext;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The cluster as admission needs it ({@link InjectionContext}), from informer caches on Namespaces and SidecarProfiles:
 * an admission must not wait on API calls of its own (the API server is waiting on us, with a timeout). Shared by the
 * webhook and the reconcilers; it starts itself on every replica, leader or not, before either of them (the webhook
 * of a replica that does not lead still answers from its own caches).
 */
@ApplicationScoped
public class ClusterInjectionContext implements InjectionContext {
    private static final Logger LOG = Logger.getLogger(ClusterInjectionContext.class);

    private final KubernetesClient client;
    private final OperatorConfig config;
    private SharedIndexInformer<Namespace> namespaces;
    private SharedIndexInformer<SidecarProfile> profiles;
    private ClusterFeatures features;

    public ClusterInjectionContext(KubernetesClient client, OperatorConfig config) {
        this.client = client;
        this.config = config;
    }

    /**
     * Before the webhook (default priority) and the operator SDK, which starts the reconcilers (priority 3123): both
     * read the caches from their first moment.
     */
    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        start();
    }

    /** Waits until both caches hold what the API server has (fabric8's run() and inform() return once synced). */
    private void start() {
        namespaces = client.namespaces().runnableInformer(0).itemStore(new CachedCopies.WithoutManagedFields<>());
        namespaces.run();
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
        features = ClusterFeatures.of(version.getMajor(), version.getMinor());
        LOG.infof("Kubernetes %s: native sidecars %s; preStop sleep action %s", features.version(),
                features.nativeSidecars() ? "supported" : "missing, sidecars go first in the containers",
                features.preStopSleep() ? "supported" : "missing, the app container gets no preStop of ours");
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
    public ClusterFeatures clusterFeatures() {
        return features;
    }

    @Override
    public List<String> excludedNamespaces() {
        return config.excludedNamespaces().orElse(List.of());
    }

    @PreDestroy
    void stop() {
        if (namespaces != null) {
            namespaces.close();
            profiles.close();
        }
    }
}
