package dev.udsproxy.operator.reconciler;

import dev.udsproxy.operator.cluster.CachedCopies;
import dev.udsproxy.operator.workload.TemplateUpdater;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import jakarta.inject.Inject;

/**
 * Opt-in on Deployment Pod templates; see {@link WorkloadOptInReconciler}. Its cache keeps each Deployment without its
 * managedFields, which nothing here reads.
 */
@ControllerConfiguration(name = "deployment-opt-in",
        informer = @Informer(itemStore = CachedCopies.WithoutManagedFields.class))
public class DeploymentOptInReconciler extends WorkloadOptInReconciler<Deployment> {
    @Inject
    TemplateUpdater templates;

    @Override
    TemplateUpdater templates() {
        return templates;
    }
}
