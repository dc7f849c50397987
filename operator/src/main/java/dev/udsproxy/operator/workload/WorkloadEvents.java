package dev.udsproxy.operator.workload;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import org.jboss.logging.Logger;

/** Events on workloads and profiles: where {@code kubectl describe} shows what the operator did. */
@ApplicationScoped
public class WorkloadEvents {
    private static final Logger LOG = Logger.getLogger(WorkloadEvents.class);
    private final KubernetesClient client;

    public WorkloadEvents(KubernetesClient client) {
        this.client = client;
    }

    public void record(HasMetadata object, String type, String reason, String message) {
        String namespace = object.getMetadata().getNamespace() == null ? "default" : object.getMetadata().getNamespace();
        String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now());
        try {
            client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                    .withNewMetadata().withGenerateName(object.getMetadata().getName() + ".").endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(object.getApiVersion())
                            .withKind(object.getKind()).withName(object.getMetadata().getName())
                            .withNamespace(object.getMetadata().getNamespace())
                            .withUid(object.getMetadata().getUid()).build())
                    .withType(type).withReason(reason).withMessage(message)
                    .withNewSource().withComponent("udsproxy-operator").endSource()
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .build()).create();
        } catch (RuntimeException e) {
            LOG.warnf("could not record Event %s on %s %s: %s", reason, object.getKind(),
                    object.getMetadata().getName(), e.getMessage());
        }
    }
}
