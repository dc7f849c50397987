package dev.udsproxy.operator.reconciler;

import dev.udsproxy.operator.cluster.CachedCopies;
import dev.udsproxy.operator.customresource.SidecarProfile;
import dev.udsproxy.operator.injection.Annotations;
import dev.udsproxy.operator.injection.InjectionStatus;
import dev.udsproxy.operator.workload.LabelSelectors;
import dev.udsproxy.operator.workload.WorkloadOptIn;
import dev.udsproxy.operator.workload.Workloads;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the profile reconciler sees of the cluster, as JOSDK event sources over indexed informers: no LIST after the
 * informers' first one. Workloads and Pods are indexed by the profile they use, so a profile finds its own without a
 * scan; and each of their changes maps to that one profile ({@link #profileOf}), so the profile's counts follow its
 * Pods. Only opted-in Pods are held: those labelled {@code udsproxy.dev/inject=true} anywhere (a label selector, so
 * the API server filters), and all Pods of the namespaces labelled {@code udsproxy.dev/injection=enabled} (one
 * informer per such namespace, following the label: {@link #followOptedInNamespaces()}). The caches keep the lean
 * copies of {@link CachedCopies}: what the census and the roll read, not the whole objects.
 */
final class ProfileInformers {
    static final String BY_PROFILE = "udsproxy.dev/profile";
    /**
     * The informers' first LIST of Pods (and any relist after a watch expired) in pages: a new leader at 5,000 Pods
     * otherwise decodes one ~14 MB answer whole before the cache keeps its lean copies.
     */
    private static final long POD_LIST_PAGE = 500;

    private final List<InformerEventSource<? extends HasMetadata, SidecarProfile>> workloads;
    private final InformerEventSource<Pod, SidecarProfile> labelledPods;
    private final NamespacedPods namespacePods;
    private final InformerEventSource<Namespace, SidecarProfile> optedInNamespaces;

    ProfileInformers(EventSourceContext<SidecarProfile> context, String operatorNamespace) {
        workloads = List.of(workloads(context, Deployment.class), workloads(context, StatefulSet.class),
                workloads(context, DaemonSet.class));
        labelledPods = indexed(new InformerEventSource<>(leanPods("labelled-pods")
                .withLabelSelector(Annotations.INJECT + "=true").withWatchAllNamespaces().build(), context));
        // Starts on the operator's own namespace, whose Pods are never injected: JOSDK needs some namespace to start
        // an informer on; the first reconcile switches to the opted-in ones.
        namespacePods = indexed(new NamespacedPods(leanPods("namespace-pods").withNamespaces(Set.of(operatorNamespace))
                .build(), context));
        // A namespace that opts in or out changes which Pods every profile misses.
        optedInNamespaces = new InformerEventSource<>(InformerEventSourceConfiguration.from(Namespace.class,
                        SidecarProfile.class).withName("opted-in-namespaces")
                .withLabelSelector(Annotations.NAMESPACE_INJECTION + "=" + Annotations.NAMESPACE_INJECTION_ENABLED)
                .withItemStore(new CachedCopies.WithoutManagedFields<>())
                .withSecondaryToPrimaryMapper(ns -> context.getPrimaryCache().keys().collect(Collectors.toSet()))
                .build(), context);
    }

    List<EventSource<?, SidecarProfile>> eventSources() {
        return Stream.<EventSource<?, SidecarProfile>>concat(workloads.stream(),
                Stream.of(labelledPods, namespacePods, optedInNamespaces)).toList();
    }

    /** The Deployments, StatefulSets and DaemonSets annotated {@code udsproxy.dev/inject: "true"} that use {@code profile}. */
    List<HasMetadata> workloadsOf(String profile) {
        return workloads.stream().<HasMetadata>flatMap(s -> s.byIndex(BY_PROFILE, profile).stream()).toList();
    }

    /** The opted-in Pods that carry or ask for {@code profile}, each once (a labelled Pod of an opted-in namespace is in both). */
    List<Pod> podsOf(String profile) {
        Map<String, Pod> byUid = new LinkedHashMap<>();
        Stream.concat(labelledPods.byIndex(BY_PROFILE, profile).stream(),
                namespacePods.byIndex(BY_PROFILE, profile).stream())
                .forEach(p -> byUid.putIfAbsent(p.getMetadata().getUid(), p));
        return List.copyOf(byUid.values());
    }

    /**
     * The live Pods of a workload, from the cache of labelled Pods (a labelled template's Pods carry the label). Through
     * the namespace index every fabric8 informer cache keeps ({@link Cache#NAMESPACE_INDEX}): JOSDK's
     * {@code list(namespace, filter)} copies the whole cluster's cached Pods before it filters, and a profile
     * reconcile asks this for each of its workloads (667 x 20,000 Pods a pass at 20,000 Pods).
     */
    List<Pod> labelledPodsOf(HasMetadata workload) {
        var selector = Workloads.selector(workload);
        return labelledPods.byIndex(Cache.NAMESPACE_INDEX, workload.getMetadata().getNamespace()).stream()
                .filter(p -> LabelSelectors.matches(selector, p.getMetadata().getLabels())).toList();
    }

    /**
     * Points the namespace Pod informers at the namespaces that opt in now; starts and stops informers only for the
     * difference. Called by the reconciler, which the namespace source wakes.
     */
    void followOptedInNamespaces() {
        Set<String> wanted = optedInNamespaces.list(n -> true).map(n -> n.getMetadata().getName())
                .collect(Collectors.toSet());
        namespacePods.follow(wanted);
    }

    /** A Pod's profile: the one it was injected with, else the one it asks for, else default. */
    static Set<ResourceID> profileOf(Pod pod) {
        return Set.of(new ResourceID(profileName(pod)));
    }

    static String profileName(Pod pod) {
        Map<String, String> annotations = Objects.requireNonNullElse(pod.getMetadata().getAnnotations(), Map.of());
        return InjectionStatus.parse(annotations.get(Annotations.STATUS))
                .map(s -> s.profile())
                .orElseGet(() -> annotations.getOrDefault(Annotations.PROFILE, SidecarProfile.DEFAULT_NAME));
    }

    /**
     * Only workloads annotated {@code udsproxy.dev/inject: "true"} belong to a profile; the others (an opt-out
     * included, which is their own reconciler's to apply) are in no index and wake no profile.
     */
    static List<String> profileKeys(HasMetadata workload) {
        var annotations = workload.getMetadata().getAnnotations();
        if (annotations == null || !"true".equals(annotations.get(Annotations.INJECT))) {
            return List.of();
        }
        return List.of(WorkloadOptIn.profileName(workload.getMetadata(), Workloads.template(workload).getMetadata()));
    }

    private static <W extends HasMetadata> InformerEventSource<W, SidecarProfile> workloads(
            EventSourceContext<SidecarProfile> context, Class<W> kind) {
        var source = new InformerEventSource<>(InformerEventSourceConfiguration.from(kind, SidecarProfile.class)
                .withName("profile-" + kind.getSimpleName().toLowerCase())
                .withItemStore(CachedCopies.workloadStore())
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper(w -> profileKeys(w).stream().map(ResourceID::new).collect(Collectors.toSet()))
                // A workload's status follows its Pods, which wake the profile themselves; only the spec (generation)
                // and the annotations say which profile it uses and what its template carries.
                .withOnUpdateFilter(changed(w -> w.getMetadata().getGeneration(), w -> w.getMetadata().getAnnotations()))
                .build(), context);
        source.addIndexers(Map.of(BY_PROFILE, ProfileInformers::profileKeys));
        return source;
    }

    /** What both Pod informers share: lean copies, paged LISTs, each Pod mapped to its profile, census changes only. */
    private static InformerEventSourceConfiguration.Builder<Pod> leanPods(String name) {
        return InformerEventSourceConfiguration.from(Pod.class, SidecarProfile.class).withName(name)
                .withItemStore(CachedCopies.podStore()).withInformerListLimit(POD_LIST_PAGE)
                .withSecondaryToPrimaryMapper(ProfileInformers::profileOf).withOnUpdateFilter(podChange());
    }

    /** The Pods indexed by the profile they carry or ask for. */
    private static <S extends InformerEventSource<Pod, SidecarProfile>> S indexed(S source) {
        source.addIndexers(Map.of(BY_PROFILE, p -> List.of(profileName(p))));
        return source;
    }

    /** What the census reads of a Pod; a readiness flap or a restart count changes none of it. */
    private static OnUpdateFilter<Pod> podChange() {
        return changed(p -> p.getMetadata().getAnnotations(), p -> p.getMetadata().getLabels(),
                p -> p.getMetadata().getDeletionTimestamp(), p -> p.getStatus() == null ? null : p.getStatus().getPhase());
    }

    @SafeVarargs
    private static <R> OnUpdateFilter<R> changed(Function<R, Object>... parts) {
        return (newer, older) -> Stream.of(parts).anyMatch(f -> !Objects.equals(f.apply(newer), f.apply(older)));
    }

    /**
     * JOSDK changes an event source's namespaces only when it follows the controller's; this one follows the
     * namespaces that opt in instead, so it says it may change.
     */
    private static final class NamespacedPods extends InformerEventSource<Pod, SidecarProfile> {
        private Set<String> watched;

        NamespacedPods(InformerEventSourceConfiguration<Pod> configuration, EventSourceContext<SidecarProfile> context) {
            super(configuration, context);
        }

        @Override
        public boolean allowsNamespaceChanges() {
            return true;
        }

        synchronized void follow(Set<String> namespaces) {
            if (!namespaces.equals(watched)) {
                changeNamespaces(namespaces);
                watched = Set.copyOf(namespaces);
            }
        }
    }
}
