package dev.udsproxy.operator.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

/** The three kinds of workload we opt in, behind one accessor for their Pod template. */
public final class Workloads {
    private Workloads() {
    }

    public static PodTemplateSpec template(HasMetadata workload) {
        return switch (workload) {
            case Deployment d -> d.getSpec().getTemplate();
            case StatefulSet s -> s.getSpec().getTemplate();
            case DaemonSet d -> d.getSpec().getTemplate();
            default -> throw new IllegalArgumentException("not a workload: " + workload.getKind());
        };
    }

    public static LabelSelector selector(HasMetadata workload) {
        return switch (workload) {
            case Deployment d -> d.getSpec().getSelector();
            case StatefulSet s -> s.getSpec().getSelector();
            case DaemonSet d -> d.getSpec().getSelector();
            default -> throw new IllegalArgumentException("not a workload: " + workload.getKind());
        };
    }
}
