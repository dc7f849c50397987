package dev.udsproxy.operator;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.interceptor.Interceptor;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The quarkus-operator-sdk looks up a LeaderElectionConfiguration bean (in the prod profile);
 * null means none. Admission does not need a leader: certificates are shared through the Secret.
 * A leader that shuts down releases the Lease ({@link LeaseRelease}); one killed outright is replaced once the
 * Lease expires (15 s after its last renewal, renewed every 2 s).
 */
@ApplicationScoped
public class LeaderElectionSettings {
    private static final Logger LOG = Logger.getLogger(LeaderElectionSettings.class);

    private final AtomicBoolean shuttingDown = new AtomicBoolean();

    /**
     * Before the operator SDK's own ShutdownEvent observer (default priority), which stops the controllers, waits for
     * their executors and only then cancels the elector: the elector's "stopped leading" then comes from the shutdown.
     */
    void onShutdown(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        shuttingDown.set(true);
    }

    @Produces
    @Dependent
    LeaderElectionConfiguration leaderElection(OperatorConfig config, KubernetesClient client, OwnerReferences owners) {
        if (!config.leaderElection()) {
            return null;
        }
        owners.owner(); // a wrong UDSPROXY_OWNER_DEPLOYMENT fails the start here, not later on the elector's thread
        String identity = identity(System.getenv("HOSTNAME"));
        LeaseRelease lease = new LeaseRelease(client, config.namespace(), config.leaderElectionLease(), identity);
        // fabric8's elector creates the Lease without owner and later patches only its spec: the owner is added once
        // this replica holds it.
        var callbacks = new LeaderCallbacks(() -> adoptLease(client, owners, config), () -> {
            if (shuttingDown.get()) {
                // SIGTERM (a rolling restart, a drain): the controllers have stopped, so hand the Lease over now
                // rather than make the other replica wait for it to expire.
                lease.release();
            } else {
                // The SDK's own exit on lost leadership calls System.exit, also from the shutdown hook that stops
                // the operator on SIGTERM, where it blocks for ever. Quarkus.asyncExit exits from another thread.
                LOG.info("no longer the leader (Lease lost): exiting, a restart competes again");
                Quarkus.asyncExit(1);
            }
        }, leader -> { }); // the operator SDK logs the new leader itself
        return new LeaderElectionConfiguration(config.leaderElectionLease(), config.namespace(),
                LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, identity, callbacks, false);
    }

    /**
     * The Lease holder's name: the Pod's name (HOSTNAME, unique in the namespace, as the operator SDK picks it), else
     * a random one; chosen here so that the release knows it.
     */
    static String identity(String hostname) {
        return hostname == null || hostname.isBlank() ? UUID.randomUUID().toString() : hostname;
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
