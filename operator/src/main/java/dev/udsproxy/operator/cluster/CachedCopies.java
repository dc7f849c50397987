package dev.udsproxy.operator.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.util.List;
import java.util.Objects;

/**
 * Pure: what the operator's informer caches keep of an object. At 5,000 Pods a heap histogram showed the caches
 * holding each Pod whole: its {@code metadata.managedFields} (the API server's record of field ownership, which the
 * operator never reads) and the injected spec (env, probes, security contexts) were most of the heap (bench/README.md).
 *
 * <p>Each copy keeps exactly what the operator reads from a cache, and the tests check that the census, the webhook's
 * decision and the template decision come out the same on the copy as on the whole object
 * ({@code CachedCopiesTest}). The informers still hand their event handlers the whole object as it arrived; only what
 * stays in memory is the copy. Whatever needs more (a template write) asks the API server for the object first
 * ({@code TemplateUpdater}).
 */
public final class CachedCopies {
    private CachedCopies() {
    }

    /** The object itself without {@code metadata.managedFields}: for the caches whose objects a reconciler gets whole. */
    public static <R extends HasMetadata> R withoutManagedFields(R object) {
        if (object.getMetadata() != null) {
            object.getMetadata().setManagedFields(null);
        }
        return object;
    }

    /**
     * A Pod as the profile's census, its catch-up and a workload's roll read it: the metadata (names, labels,
     * annotations, owners, deletion), {@code status.phase}, and of the spec {@code hostNetwork} and the containers'
     * names (whether the sidecar is there).
     */
    public static Pod pod(Pod pod) {
        var builder = new PodBuilder().withApiVersion(pod.getApiVersion()).withKind(pod.getKind())
                .withMetadata(metadata(pod.getMetadata()));
        if (pod.getSpec() != null) {
            builder.withSpec(decisionSpec(pod.getSpec()).build());
        }
        if (pod.getStatus() != null) {
            builder.withStatus(new PodStatusBuilder().withPhase(pod.getStatus().getPhase()).build());
        }
        return builder.build();
    }

    /**
     * A Deployment, StatefulSet or DaemonSet as the profile reconciler reads it: its metadata, its selector, and its
     * Pod template as the opt-in decision reads it (labels, annotations, readiness gates, {@code hostNetwork}, the
     * containers' names).
     */
    @SuppressWarnings("unchecked")
    public static <W extends HasMetadata> W workload(W workload) {
        HasMetadata copy = switch (workload) {
            case Deployment d -> new DeploymentBuilder().withApiVersion(d.getApiVersion()).withKind(d.getKind())
                    .withMetadata(metadata(d.getMetadata())).withNewSpec().withSelector(d.getSpec().getSelector())
                    .withTemplate(template(d.getSpec().getTemplate())).endSpec().build();
            case StatefulSet s -> new StatefulSetBuilder().withApiVersion(s.getApiVersion()).withKind(s.getKind())
                    .withMetadata(metadata(s.getMetadata())).withNewSpec().withSelector(s.getSpec().getSelector())
                    .withTemplate(template(s.getSpec().getTemplate())).endSpec().build();
            case DaemonSet d -> new DaemonSetBuilder().withApiVersion(d.getApiVersion()).withKind(d.getKind())
                    .withMetadata(metadata(d.getMetadata())).withNewSpec().withSelector(d.getSpec().getSelector())
                    .withTemplate(template(d.getSpec().getTemplate())).endSpec().build();
            default -> throw new IllegalArgumentException("not a workload: " + workload.getKind());
        };
        return (W) copy;
    }

    /** A JOSDK item store that keeps {@link #pod} copies. */
    public static TransformingItemStore<Pod> podStore() {
        return new TransformingItemStore<>(CachedCopies::pod);
    }

    /** A JOSDK item store that keeps {@link #workload} copies. */
    public static <W extends HasMetadata> TransformingItemStore<W> workloadStore() {
        return new TransformingItemStore<>(CachedCopies::workload);
    }

    /**
     * A JOSDK item store that keeps the objects without their managed fields; a class with a public no-argument
     * constructor, as a controller's {@code @Informer(itemStore = ...)} needs it.
     */
    public static final class WithoutManagedFields<R extends HasMetadata> extends TransformingItemStore<R> {
        public WithoutManagedFields() {
            super(CachedCopies::withoutManagedFields);
        }
    }

    private static ObjectMeta metadata(ObjectMeta metadata) {
        if (metadata == null) {
            return null;
        }
        var copy = new ObjectMeta();
        copy.setName(metadata.getName());
        copy.setNamespace(metadata.getNamespace());
        copy.setUid(metadata.getUid());
        copy.setResourceVersion(metadata.getResourceVersion());
        copy.setGeneration(metadata.getGeneration());
        copy.setCreationTimestamp(metadata.getCreationTimestamp());
        copy.setDeletionTimestamp(metadata.getDeletionTimestamp());
        copy.setLabels(metadata.getLabels());
        copy.setAnnotations(metadata.getAnnotations());
        copy.setOwnerReferences(metadata.getOwnerReferences());
        return copy;
    }

    private static PodTemplateSpec template(PodTemplateSpec template) {
        if (template == null) {
            return null;
        }
        var builder = new PodTemplateSpecBuilder().withMetadata(metadata(template.getMetadata()));
        if (template.getSpec() != null) {
            builder.withSpec(decisionSpec(template.getSpec()).withReadinessGates(template.getSpec().getReadinessGates())
                    .build());
        }
        return builder.build();
    }

    /** What {@code InjectionPolicy} reads of a Pod's spec. */
    private static PodSpecBuilder decisionSpec(PodSpec spec) {
        return new PodSpecBuilder().withHostNetwork(spec.getHostNetwork())
                .withContainers(names(spec.getContainers())).withInitContainers(names(spec.getInitContainers()));
    }

    private static List<Container> names(List<Container> containers) {
        return containers == null ? List.of() : containers.stream().filter(Objects::nonNull)
                .map(c -> new ContainerBuilder().withName(c.getName()).build()).toList();
    }
}
