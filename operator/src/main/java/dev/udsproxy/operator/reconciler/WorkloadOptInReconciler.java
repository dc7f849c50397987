package dev.udsproxy.operator.reconciler;

import dev.udsproxy.operator.injection.Annotations;
import dev.udsproxy.operator.workload.TemplateUpdater;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Puts the opt-in on the Pod template of a Deployment, StatefulSet or DaemonSet annotated
 * {@code udsproxy.dev/inject}. One subclass per kind, because each kind has its own informer.
 */
abstract class WorkloadOptInReconciler<W extends HasMetadata> implements Reconciler<W> {
    /** Field-injected in the subclasses: CDI proxies need a no-args constructor all the way up. */
    abstract TemplateUpdater templates();

    @Override
    public UpdateControl<W> reconcile(W workload, Context<W> context) {
        // Template annotations written by us also count: removing the workload's annotation undoes them.
        var annotations = workload.getMetadata().getAnnotations();
        boolean ours = annotations != null && annotations.containsKey(Annotations.INJECT);
        var template = dev.udsproxy.operator.workload.Workloads.template(workload).getMetadata();
        boolean managed = template != null && template.getAnnotations() != null
                && template.getAnnotations().containsKey(Annotations.PROFILE_HASH);
        if (ours || managed) {
            templates().update(workload, false, templates().listedPods());
        }
        return UpdateControl.noUpdate();
    }
}
