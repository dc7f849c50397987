package dev.udsproxy.operator.webhook;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The one place where {@code request.object} becomes a {@link Pod} the policy and the mutator can walk without null
 * checks: a list or map sent as {@code null} reads as empty (Kubernetes does not tell the two apart); what has no
 * meaning without a value (a {@code null} list element or map value, a container without a name, a port without a
 * number, field types that do not fit, no metadata, no spec, no containers) makes the Pod one that cannot be judged. The webhook
 * lets such a Pod through unchanged: the API server's own validation then refuses it with its own message, which
 * names the field better than we could.
 */
public sealed interface AdmittedPod {

    /** A Pod whose lists and maps are all non-null and whose containers, ports and env entries have their key fields. */
    record Judgeable(Pod pod) implements AdmittedPod {
    }

    record Unjudgeable(String reason) implements AdmittedPod {
    }

    static AdmittedPod read(JsonNode object) {
        Pod pod;
        try {
            pod = Reader.SERIALIZATION.convertValue(object, Pod.class);
        } catch (RuntimeException e) {
            return new Unjudgeable("request.object is not a readable Pod: " + firstLine(e.getMessage()));
        }
        if (pod.getMetadata() == null) {
            return new Unjudgeable("request.object has no metadata");
        }
        if (pod.getSpec() == null) {
            return new Unjudgeable("request.object has no spec");
        }
        if (pod.getSpec().getContainers().isEmpty()) {
            return new Unjudgeable("request.object has no spec.containers");
        }
        List<Container> all = Stream.concat(pod.getSpec().getContainers().stream(),
                pod.getSpec().getInitContainers().stream()).toList();
        for (Container c : all) {
            if (c.getName() == null) {
                return new Unjudgeable("request.object has a container without a name");
            }
            if (c.getPorts().stream().anyMatch(p -> p.getContainerPort() == null)) {
                return new Unjudgeable("container " + c.getName() + " has a port without containerPort");
            }
            if (c.getEnv().stream().anyMatch(e -> e.getName() == null)) {
                return new Unjudgeable("container " + c.getName() + " has an env entry without a name");
            }
        }
        return new Judgeable(pod);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int end = message.indexOf('\n');
        String line = end < 0 ? message : message.substring(0, end);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** Holder, so that the mapper is built once. */
    final class Reader {
        static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization(lenientOnEmptiness(), false);

        private Reader() {
        }

        private static ObjectMapper lenientOnEmptiness() {
            ObjectMapper mapper = new ObjectMapper();
            // null list or map -> empty; null element or value -> an error (read() reports it as unjudgeable).
            JsonSetter.Value nulls = JsonSetter.Value.construct(Nulls.AS_EMPTY, Nulls.FAIL);
            mapper.configOverride(List.class).setSetterInfo(nulls);
            mapper.configOverride(Map.class).setSetterInfo(nulls);
            return mapper;
        }
    }
}
