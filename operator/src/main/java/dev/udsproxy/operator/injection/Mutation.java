package dev.udsproxy.operator.injection;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/** The injected Pod and what the user should hear about (admission warnings). */
public record Mutation(Pod pod, List<String> warnings) {
}
