package dev.udsproxy.operator;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.Quarkus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

/**
 * The quarkus-operator-sdk looks up a LeaderElectionConfiguration bean (in the prod profile);
 * null means none. Admission does not need a leader: certificates are shared through the Secret.
 */
@ApplicationScoped
public class LeaderElectionSettings {
    private static final Logger LOG = Logger.getLogger(LeaderElectionSettings.class);

    @Produces
    @Dependent
    LeaderElectionConfiguration leaderElection(OperatorConfig config, KubernetesClient client, OwnerReferences owners) {
        if (!config.leaderElection()) {
            return null;
        }
        owners.owner(); // a wrong UDSPROXY_OWNER_DEPLOYMENT fails the start here, not later on the elector's thread
        // The SDK's own exit on lost leadership calls System.exit, also from the shutdown hook that
        // stops the operator on SIGTERM, where it blocks for ever (seen: the Pod would wait for SIGKILL).
        // Quarkus.asyncExit exits from another thread: a restart when leadership is lost while running,
        // harmless during a shutdown already under way.
        // fabric8's elector creates the Lease without owner and later patches only its spec: the owner is added once
        // this replica holds it. (JOSDK 5.3 builds the elector with releaseOnCancel off and offers no switch for it.)
        var callbacks = new LeaderCallbacks(() -> adoptLease(client, owners, config), () -> {
            LOG.info("no longer the leader (Lease lost, or shutting down): exiting, a restart competes again");
            Quarkus.asyncExit(1);
        }, leader -> { });
        return new LeaderElectionConfiguration(config.leaderElectionLease(), config.namespace(),
                LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, null, callbacks, false);
    }

    /** Public for the test that runs a real elector with it. */
    public static void adoptLease(KubernetesClient client, OwnerReferences owners, OperatorConfig config) {
        try {
            Lease lease = client.leases().inNamespace(config.namespace()).withName(config.leaderElectionLease()).get();
            if (lease != null) {
                owners.adopt(lease);
            }
        } catch (RuntimeException e) {
            // Leading matters more than the owner: without it the Lease merely outlives an uninstall.
            LOG.warnf("could not add the owner to Lease %s/%s: %s", config.namespace(), config.leaderElectionLease(),
                    e.getMessage());
        }
    }
}
