package dev.udsproxy.operator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import java.util.EnumSet;

/**
 * The JSON Patch from the Pod as the API server sent it to the mutated Pod. The source is
 * the raw JSON, not our model of it, so every path in the patch exists in what the API
 * server applies it to.
 */
public final class PodPatch {
    /**
     * A plain mapper for the mutated Pod's tree: the model classes carry their own Jackson annotations (inclusion,
     * Quantity's and IntOrString's serializers, additionalProperties as any-getter), and fabric8's
     * KubernetesSerialization adds nothing a Pod's serialization uses here, at twice the CPU (25 against 55 us a
     * Pod, measured in one JVM; a third of an admission's CPU in a profile of the webhook under load). The golden
     * cases' patches (GoldenCasesTest) are the check that the trees are the same.
     */
    private static final ObjectMapper TREES = new ObjectMapper();
    private static final EnumSet<DiffFlags> FLAGS = EnumSet.of(
            DiffFlags.OMIT_VALUE_ON_REMOVE, DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION);

    private PodPatch() {
    }

    public static JsonNode diff(JsonNode original, Pod mutated) {
        ObjectNode target = TREES.valueToTree(mutated);
        // Our model always writes apiVersion and kind; the API server may have sent neither.
        for (String typeField : new String[] {"apiVersion", "kind"}) {
            if (!original.has(typeField)) {
                target.remove(typeField);
            }
        }
        return JsonDiff.asJson(original, target, FLAGS);
    }
}
