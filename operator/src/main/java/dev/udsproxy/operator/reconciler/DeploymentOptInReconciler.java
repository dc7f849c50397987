package dev.udsproxy.operator.reconciler;

import dev.udsproxy.operator.workload.TemplateUpdater;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import jakarta.inject.Inject;

/** Opt-in on Deployment Pod templates; see {@link WorkloadOptInReconciler}. */
@ControllerConfiguration(name = "deployment-opt-in")
public class DeploymentOptInReconciler extends WorkloadOptInReconciler<Deployment> {
    @Inject
    TemplateUpdater templates;

    @Override
    TemplateUpdater templates() {
        return templates;
    }
}
