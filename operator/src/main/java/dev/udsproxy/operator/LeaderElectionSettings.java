package dev.udsproxy.operator;

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
    LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        if (!config.leaderElection()) {
            return null;
        }
        // The SDK's own exit on lost leadership calls System.exit, also from the shutdown hook that
        // stops the operator on SIGTERM, where it blocks for ever (seen: the Pod would wait for SIGKILL).
        // Quarkus.asyncExit exits from another thread: a restart when leadership is lost while running,
        // harmless during a shutdown already under way.
        var callbacks = new LeaderCallbacks(() -> { }, () -> {
            LOG.info("no longer the leader (Lease lost, or shutting down): exiting, a restart competes again");
            Quarkus.asyncExit(1);
        }, leader -> { });
        return new LeaderElectionConfiguration(config.leaderElectionLease(), config.namespace(),
                LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, null, callbacks, false);
    }
}
