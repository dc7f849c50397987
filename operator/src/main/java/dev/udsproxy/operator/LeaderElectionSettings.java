package dev.udsproxy.operator;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

/**
 * The quarkus-operator-sdk looks up a LeaderElectionConfiguration bean (in the prod profile);
 * null means none. Admission does not need a leader: certificates are shared through the Secret.
 */
@ApplicationScoped
public class LeaderElectionSettings {

    @Produces
    @Dependent
    LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        return config.leaderElection()
                ? new LeaderElectionConfiguration(config.leaderElectionLease(), config.namespace())
                : null;
    }
}
