package dev.udsproxy.cli.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.udsproxy.operator.webhook.AdmissionHandler;
import dev.udsproxy.operator.webhook.AdmissionOutcome;
import dev.udsproxy.operator.injection.InjectionContext;
import dev.udsproxy.operator.workload.WorkloadOptIn;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * One Pod template (or bare Pod) through the two steps a cluster takes, both the operator's own code: for the
 * workloads the operator reconciles, {@link WorkloadOptIn} (the opt-in label, annotation and profile hash the
 * operator writes on the template, so that it finds nothing to change once the output is applied); then the
 * webhook's {@link AdmissionHandler} on an AdmissionReview of a Pod made from the template, whose JSON Patch is
 * applied as the API server would. The result carries the webhook's status annotation, so the webhook skips the
 * Pods of an applied output ("already injected") and a second run over it changes nothing.
 */
final class TemplateInjection {
    /** The kinds the operator opts in (its workload reconcilers); Jobs, CronJobs and ReplicaSets only get the webhook. */
    private static final Set<String> RECONCILED = Set.of("Deployment", "StatefulSet", "DaemonSet");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The webhook refused, or cannot judge, the Pod: the message is the webhook's own. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    record Result(boolean changed, List<String> warnings) {
    }

    private final InjectionContext context;
    private final AdmissionHandler webhook;

    TemplateInjection(InjectionContext context) {
        this.context = context;
        this.webhook = new AdmissionHandler(context);
    }

    /**
     * Injects {@code template} ({@code metadata} and {@code spec} of a Pod) in place. {@code workloadMetadata} is null
     * for a bare Pod.
     */
    Result inject(String kind, JsonNode workloadMetadata, ObjectNode template, String namespace) {
        boolean optedIn = RECONCILED.contains(kind) && optIn(workloadMetadata, template, namespace);
        ObjectNode pod = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode metadata = template.has("metadata") ? template.get("metadata").deepCopy()
                : JsonNodeFactory.instance.objectNode();
        boolean hadNamespace = metadata.has("namespace");
        metadata.put("namespace", namespace);
        pod.set("metadata", metadata);
        if (template.has("spec")) {
            pod.set("spec", template.get("spec"));
        }
        AdmissionOutcome outcome = webhook.handle(review(pod, namespace));
        return switch (outcome.result()) {
            case INJECTED -> {
                JsonNode response = outcome.review().get("response");
                JsonNode patch = readPatch(response.get("patch").asText());
                ObjectNode injected = (ObjectNode) JsonPatch.apply(patch, pod);
                ObjectNode injectedMetadata = (ObjectNode) injected.get("metadata");
                if (!hadNamespace) {
                    injectedMetadata.remove("namespace");
                }
                template.set("metadata", injectedMetadata);
                template.set("spec", injected.get("spec"));
                List<String> warnings = new ArrayList<>();
                response.path("warnings").forEach(w -> warnings.add(w.asText()));
                yield new Result(true, warnings);
            }
            case SKIPPED -> new Result(optedIn, List.of());
            case REFUSED -> throw new Refused(outcome.message());
            // The webhook lets such a Pod through unchanged for the API server to refuse: here it is an error now.
            case IGNORED -> throw new Refused("the API server would refuse this Pod, " + outcome.message());
        };
    }

    /**
     * What the operator's workload reconciler writes on the template. No live Pods exist here, which is what the
     * operator sees for a new workload: "every Pod injected with this profile" holds for none.
     */
    private boolean optIn(JsonNode workloadMetadata, ObjectNode template, String namespace) {
        ObjectMeta workload = SERIALIZATION.convertValue(workloadMetadata, ObjectMeta.class);
        PodTemplateSpec typed = SERIALIZATION.convertValue(template, PodTemplateSpec.class);
        if (typed.getSpec() == null) {
            return false;
        }
        var desired = WorkloadOptIn.desired(workload, typed, profile -> WorkloadOptIn.profileHash(context, profile),
                new WorkloadOptIn.Cluster(WorkloadOptIn.injectable(context, namespace, typed.getSpec()),
                        (profile, hash) -> true));
        if (desired.isEmpty()) {
            return false;
        }
        ObjectNode metadata = template.has("metadata") ? (ObjectNode) template.get("metadata")
                : template.putObject("metadata");
        metadata.set("labels", JSON.valueToTree(desired.get().labels()));
        metadata.set("annotations", JSON.valueToTree(desired.get().annotations()));
        ObjectNode spec = (ObjectNode) template.get("spec");
        if (desired.get().readinessGates().isEmpty()) {
            spec.remove("readinessGates");
        } else {
            spec.set("readinessGates", SERIALIZATION.convertValue(desired.get().readinessGates(), ArrayNode.class));
        }
        return true;
    }

    private static ObjectNode review(ObjectNode pod, String namespace) {
        ObjectNode review = JsonNodeFactory.instance.objectNode()
                .put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request").put("uid", "udsproxy-inject")
                .put("namespace", namespace).put("operation", "CREATE");
        request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
        request.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
        request.set("object", pod);
        return review;
    }

    private static JsonNode readPatch(String base64) {
        try {
            return JSON.readTree(Base64.getDecoder().decode(base64));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the webhook's patch is not JSON", e);
        }
    }
}
