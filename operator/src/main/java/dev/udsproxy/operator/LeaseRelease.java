package dev.udsproxy.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.jboss.logging.Logger;

/**
 * Gives up the leader-election Lease that this replica holds, so that another replica takes over at its next retry
 * (about 2 s) instead of after the lease duration (15 s plus the retry). What client-go does with ReleaseOnCancel:
 * no holder, a lease of 1 s. The operator SDK builds fabric8's elector with releaseOnCancel off and no switch for it;
 * fabric8 7.5's own release would not clear the holder either (its JSON merge patch omits the null field).
 */
public final class LeaseRelease {
    private static final Logger LOG = Logger.getLogger(LeaseRelease.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The MicroTime format of Lease times (fabric8 writes them so too). */
    private static final DateTimeFormatter MICRO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX");

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final String identity;

    public LeaseRelease(KubernetesClient client, String namespace, String name, String identity) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.identity = identity;
    }

    /** True when this replica held the Lease and it is now released; false (and nothing written) otherwise. */
    public boolean release() {
        try {
            Lease lease = client.leases().inNamespace(namespace).withName(name).get();
            if (lease == null || lease.getSpec() == null || !identity.equals(lease.getSpec().getHolderIdentity())) {
                return false;
            }
            client.leases().inNamespace(namespace).withName(name)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch(lease.getMetadata().getResourceVersion()));
            LOG.infof("released Lease %s/%s: another replica takes over without waiting for it to expire", namespace,
                    name);
            return true;
        } catch (KubernetesClientException e) {
            // 409: someone else wrote the Lease meanwhile, it is not ours to clear. Otherwise it simply expires.
            LOG.warnf("could not release Lease %s/%s (it expires after its duration instead): %s", namespace, name,
                    e.getMessage());
            return false;
        }
    }

    /**
     * A JSON merge patch: null removes holderIdentity; the resourceVersion makes the write conditional, so a Lease
     * that changed since it was read (a new holder) is refused with 409 instead of cleared. Patch, not update: the
     * chart's Role grants patch for the renewals.
     */
    private static String patch(String resourceVersion) {
        ObjectNode patch = JSON.createObjectNode();
        patch.putObject("metadata").put("resourceVersion", resourceVersion);
        ObjectNode spec = patch.putObject("spec");
        spec.putNull("holderIdentity");
        spec.put("leaseDurationSeconds", 1);
        spec.put("renewTime", MICRO_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
        return patch.toString();
    }
}
