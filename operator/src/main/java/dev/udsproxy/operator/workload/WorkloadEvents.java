package dev.udsproxy.operator.workload;

import dev.udsproxy.operator.events.EventRecorder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import jakarta.enterprise.context.ApplicationScoped;

/** Events on workloads and profiles: where {@code kubectl describe} shows what the operator did. */
@ApplicationScoped
public class WorkloadEvents {
    private final EventRecorder recorder;

    public WorkloadEvents(EventRecorder recorder) {
        this.recorder = recorder;
    }

    /** Aggregated per object and reason ({@link EventRecorder}); a cluster-scoped object's Events go to default. */
    public void record(HasMetadata object, String type, String reason, String message) {
        String namespace = object.getMetadata().getNamespace() == null ? "default" : object.getMetadata().getNamespace();
        recorder.record(new ObjectReferenceBuilder().withApiVersion(object.getApiVersion())
                .withKind(object.getKind()).withName(object.getMetadata().getName())
                .withNamespace(object.getMetadata().getNamespace())
                .withUid(object.getMetadata().getUid()).build(), namespace, type, reason, message);
    }
}
