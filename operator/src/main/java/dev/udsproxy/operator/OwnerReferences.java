package dev.udsproxy.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * What the operator creates at run time (the webhook's certificate Secret, the leader-election Lease) is owned by the
 * operator's own Deployment ({@code UDSPROXY_OWNER_DEPLOYMENT}), so that {@code helm uninstall}, which deletes the
 * Deployment, lets the garbage collector delete them too. Not a controller reference and no blockOwnerDeletion: the
 * Deployment does not manage them, and its deletion must not wait for them.
 */
@ApplicationScoped
public class OwnerReferences {
    /** Env form of {@code udsproxy.owner-deployment} ({@link OperatorConfig#ownerDeployment()}). */
    public static final String ENV = "UDSPROXY_OWNER_DEPLOYMENT";
    private static final Logger LOG = Logger.getLogger(OwnerReferences.class);

    private final KubernetesClient client;
    private final OperatorConfig config;
    private volatile Optional<OwnerReference> owner;

    public OwnerReferences(KubernetesClient client, OperatorConfig config) {
        this.client = client;
        this.config = config;
    }

    /** The reference to the operator's Deployment, looked up once; empty when the setting is unset (a local run). */
    public Optional<OwnerReference> owner() {
        Optional<OwnerReference> known = owner;
        if (known == null) {
            known = lookUp();
            owner = known;
        }
        return known;
    }

    private Optional<OwnerReference> lookUp() {
        Optional<String> name = config.ownerDeployment();
        if (name.isEmpty()) {
            LOG.infof("%s is not set: the webhook Secret and the leader-election Lease in namespace %s have no owner"
                    + " and are not deleted with the operator (fine for a local run)", ENV, config.namespace());
            return Optional.empty();
        }
        Deployment deployment = client.apps().deployments().inNamespace(config.namespace()).withName(name.get()).get();
        if (deployment == null) {
            throw new IllegalStateException("invalid " + ENV + "=\"" + name.get() + "\": allowed is the name of the"
                    + " operator's own Deployment in namespace " + config.namespace() + ", and there is none by that name");
        }
        return Optional.of(reference(deployment));
    }

    static OwnerReference reference(Deployment deployment) {
        return new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                .withName(deployment.getMetadata().getName()).withUid(deployment.getMetadata().getUid())
                .withController(false).withBlockOwnerDeletion(false).build();
    }

    /** The object's references with the owner added; empty when it already has it (same uid). */
    static Optional<List<OwnerReference>> withOwner(List<OwnerReference> current, OwnerReference owner) {
        List<OwnerReference> refs = current == null ? List.of() : current;
        if (refs.stream().anyMatch(r -> owner.getUid().equals(r.getUid()))) {
            return Optional.empty();
        }
        List<OwnerReference> added = new ArrayList<>(refs);
        added.add(owner);
        return Optional.of(added);
    }

    /**
     * Adds the owner to an object that exists (created by an older operator, or by fabric8's leader elector) when it
     * lacks it: a JSON merge patch of metadata.ownerReferences alone, so nothing else of the object is touched.
     */
    public void adopt(HasMetadata existing) {
        owner().flatMap(o -> withOwner(existing.getMetadata().getOwnerReferences(), o)).ifPresent(refs -> {
            client.resource(existing).patch(PatchContext.of(PatchType.JSON_MERGE),
                    client.getKubernetesSerialization().asJson(Map.of("metadata", Map.of("ownerReferences", refs))));
            LOG.infof("%s %s/%s is now owned by Deployment %s", existing.getKind(),
                    existing.getMetadata().getNamespace(), existing.getMetadata().getName(), refs.getLast().getName());
        });
    }

    /** For objects about to be created or replaced: their references with the owner, if there is one. */
    public List<OwnerReference> forNew(List<OwnerReference> current) {
        List<OwnerReference> refs = current == null ? List.of() : current;
        return owner().flatMap(o -> withOwner(refs, o)).orElse(refs);
    }
}
