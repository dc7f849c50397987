package dev.udsproxy.operator.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/** The Pods of a workload (its namespace, its selector), from wherever the caller has them. */
@FunctionalInterface
public interface WorkloadPods {
    List<Pod> of(HasMetadata workload);

    /**
     * Asked from the API server: one namespaced LIST by the workload's selector. For the workload reconcilers, which
     * hold no Pod cache and ask only when a workload's own change needs it (an opt-in of a template labelled already,
     * a roll held back); the profile reconciler answers from its informers.
     */
    static WorkloadPods listed(KubernetesClient client) {
        return workload -> client.pods().inNamespace(workload.getMetadata().getNamespace())
                .withLabelSelector(Workloads.selector(workload)).list().getItems();
    }
}
