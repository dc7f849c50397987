package dev.udsproxy.operator.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.udsproxy.operator.OperatorConfig;
import dev.udsproxy.operator.catchup.PodCensus;
import dev.udsproxy.operator.cluster.ClusterInjectionContext;
import dev.udsproxy.operator.customresource.CatchUpPolicy;
import dev.udsproxy.operator.customresource.Conditions;
import dev.udsproxy.operator.customresource.RolloutMode;
import dev.udsproxy.operator.customresource.SidecarProfile;
import dev.udsproxy.operator.customresource.SidecarProfileStatus;
import dev.udsproxy.operator.injection.AdmitPod;
import dev.udsproxy.operator.injection.Annotations;
import dev.udsproxy.operator.injection.InjectionStatus;
import dev.udsproxy.operator.injection.ProfileSettings;
import dev.udsproxy.operator.workload.ConcurrentWrites;
import dev.udsproxy.operator.workload.RolloutPacer;
import dev.udsproxy.operator.workload.TemplateUpdater;
import dev.udsproxy.operator.workload.WorkloadEvents;
import dev.udsproxy.operator.workload.WorkloadOptIn;
import dev.udsproxy.operator.workload.Workloads;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.rate.RateLimited;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A profile, one of its workloads or one of its Pods changed ({@link ProfileInformers} maps each change to its
 * profile): roll the workloads that use the profile, count its Pods, and deal with opted-in Pods that run without the
 * sidecar. Everything is read from the informers' caches; a timer is set only while work waits (a paced roll, Pods to
 * evict), and it reads the caches too.
 */
@ControllerConfiguration(name = "sidecarprofile")
// At most one reconcile a second per profile: every change of one of its Pods wakes it, and each reconcile reads all of
// the profile's Pods and workloads from the caches, so during a scale-up (thousands of Pod events a minute) it would
// run back to back on several threads. Events that come meanwhile are not lost: JOSDK runs the reconcile when the
// second is over, and the counts lag the Pods by at most that.
@RateLimited(maxReconciliations = 1, within = 1, unit = TimeUnit.SECONDS)
public class SidecarProfileReconciler implements Reconciler<SidecarProfile> {
    private static final Logger LOG = Logger.getLogger(SidecarProfileReconciler.class);
    private static final int LISTED_MISSING = 10;
    private static final Duration CACHE_LAG = Duration.ofMillis(500);
    /**
     * The workloads of one reconcile's roll written at once. Each write is a GET and a PATCH: 667 of them one after
     * another took 144 s at 20,000 Pods (~0.2 s each on an API server at load 8, bench/README.md), and a profile change
     * should reach its workloads in under 60 s. 3 at once would just make it (48 s) if the API server answered as fast
     * under them; 8 (18 s) leave room for it answering slower, and for larger profiles. Far from any limit:
     * kube-apiserver admits 200 mutating requests at once by default (--max-mutating-requests-inflight; with API
     * Priority and Fairness, the default shares give the service accounts' level, workload-low, about 245 of the 600
     * seats), and even 8 profiles rolling on all the reconcile threads at once (concurrent-reconciliation-threads,
     * application.properties) make 64. Nothing caps it on our side: Quarkus' fabric8 client is the Vert.x one, with a
     * pool of 8,192 connections per host; fabric8's Config.maxConcurrentRequests/PerHost (64/5) are not read by it.
     */
    private static final int ROLLS_IN_FLIGHT = 8;

    private final KubernetesClient client;
    private final OperatorConfig config;
    private final ClusterInjectionContext context;
    private final TemplateUpdater templates;
    private final WorkloadEvents events;
    private final ConcurrentWrites rolls = new ConcurrentWrites(ROLLS_IN_FLIGHT, "udsproxy-roll");
    /** The pace of each profile's rollout: the rolls of its last minute (in memory: a new leader starts afresh). */
    private final Map<String, RolloutPacer> pacers = new java.util.concurrent.ConcurrentHashMap<>();
    /** Set once JOSDK asks for the event sources, before the first reconcile. */
    private volatile ProfileInformers informers;

    public SidecarProfileReconciler(KubernetesClient client, OperatorConfig config, ClusterInjectionContext context,
            TemplateUpdater templates, WorkloadEvents events) {
        this.client = client;
        this.config = config;
        this.context = context;
        this.templates = templates;
        this.events = events;
    }

    @Override
    public List<EventSource<?, SidecarProfile>> prepareEventSources(EventSourceContext<SidecarProfile> context) {
        informers = new ProfileInformers(context, config.namespace());
        return informers.eventSources();
    }

    @Override
    public UpdateControl<SidecarProfile> reconcile(SidecarProfile profile, Context<SidecarProfile> ctx) {
        String name = profile.getMetadata().getName();
        ProfileSettings settings = ProfileSettings.from(name, profile.getSpec());
        if (!settings.hash().equals(WorkloadOptIn.profileHash(context, name))) {
            // JOSDK's informer told us before the cache the webhook (and the workload code) reads: rolling now would
            // write the old hash, and the webhook would inject the old version. The cache follows within moments.
            return UpdateControl.<SidecarProfile>noUpdate().rescheduleAfter(CACHE_LAG);
        }
        // This reconciler owns every roll of a profile change (the workloads' own reconcilers only opt in and out),
        // paced: the outdated ones in namespace/name order, as many as the profile's rollout allows now.
        List<HasMetadata> outdated = new ArrayList<>();
        for (var workload : informers.workloadsOf(name)) {
            // A first opt-in is the workload reconciler's: both see a new workload at once, and two writers of one
            // change raced (two writes, two Events).
            if (optedInAlready(workload) && templates.update(workload, false, informers::labelledPodsOf)) {
                outdated.add(workload);
            }
        }
        outdated.sort(Comparator.comparing((HasMetadata w) -> w.getMetadata().getNamespace())
                .thenComparing(w -> w.getMetadata().getName()));
        var rollout = Optional.ofNullable(profile.getSpec()).map(s -> s.rollout);
        RolloutMode mode = rollout.map(r -> r.mode).orElse(RolloutMode.AUTO);
        var plan = pacers.computeIfAbsent(name, n -> new RolloutPacer())
                .plan(outdated, mode, rollout.map(r -> r.maxWorkloadsPerMinute).orElse(null), Instant.now());
        roll(name, plan.roll());
        reportWaiting(profile, mode, plan, previousOutdatedWorkloads(profile));
        informers.followOptedInNamespaces();
        PodCensus census = PodCensus.count(informers.podsOf(name), name, settings.hash(), new AdmitPod(context));
        SidecarProfileStatus previous = profile.getStatus();
        boolean evicting = catchUp(profile, settings, census, previous == null ? null : previous.missingPods);

        SidecarProfileStatus status = new SidecarProfileStatus();
        status.observedGeneration = profile.getMetadata().getGeneration();
        status.injectedPods = census.injected();
        status.outdatedPods = census.outdated();
        status.missingPods = census.missing().size();
        status.outdatedWorkloads = plan.waiting();
        status.missingPodNames = census.missing().stream().limit(LISTED_MISSING).map(SidecarProfileReconciler::qualifiedName).toList();
        status.sidecarMode = InjectionStatus.mode(settings.nativeSidecarOn(context.clusterFeatures().nativeSidecars()));
        status.conditions = List.of(Conditions.carryTransitionTime(previous == null ? null : previous.conditions,
                new ConditionBuilder()
                .withType("Ready").withStatus(census.missing().isEmpty() ? "True" : "False")
                .withReason(census.missing().isEmpty() ? "AllPodsInjected" : "PodsWithoutSidecar")
                .withMessage(census.injected() + " injected, " + census.outdated() + " outdated, "
                        + census.missing().size() + " without the sidecar")
                .withObservedGeneration(profile.getMetadata().getGeneration())
                .withLastTransitionTime(DateTimeFormatter.ISO_INSTANT.format(Instant.now()))
                .build()));
        // Unchanged: no write, so a quiet cluster sees no request from us at all.
        UpdateControl<SidecarProfile> control;
        if (sameStatus(previous, status)) {
            control = UpdateControl.noUpdate();
        } else {
            profile.setStatus(status);
            control = UpdateControl.patchStatus(profile);
        }
        // Pod, workload and profile changes wake this reconciler themselves; a timer only for what no event announces:
        // the pace letting the next workloads roll, a PodDisruptionBudget allowing the next eviction.
        Duration next = plan.retryAfter() != null && plan.retryAfter().compareTo(config.catchUpInterval()) < 0
                ? plan.retryAfter() : evicting || plan.retryAfter() != null ? config.catchUpInterval() : null;
        return next == null ? control : control.rescheduleAfter(next);
    }

    /**
     * Writes the workloads the pace lets roll, {@link #ROLLS_IN_FLIGHT} at once. A workload that failed is logged, and
     * once all are written the reconcile fails, so that JOSDK retries it with its backoff (a reschedule would retry
     * at a fixed pace however long the API server keeps refusing). The retry decides again: the failed ones are still
     * outdated, and one written already is found current (on a lagging cache, by the GET of
     * {@link TemplateUpdater}), so it is not written twice. As when the writes went one after another, where the first
     * failure ended the reconcile, except that the others are written meanwhile. No status is written then: the
     * retry writes it, counted from what is there.
     */
    private void roll(String profile, List<HasMetadata> workloads) {
        var failures = rolls.run(workloads, w -> templates.update(w, true, informers::labelledPodsOf));
        if (failures.isEmpty()) {
            return;
        }
        var failed = new IllegalStateException(failures.size() + " of " + workloads.size() + " workload(s) of"
                + " SidecarProfile " + profile + " not rolled, retried: "
                + listed(failures.stream().map(f -> qualifiedName(f.item())).toList()));
        for (var failure : failures) {
            LOG.warnf("%s %s: not rolled to SidecarProfile %s, retried: %s", failure.item().getKind(),
                    qualifiedName(failure.item()), profile, failure.error());
            failed.addSuppressed(failure.error());
        }
        throw failed;
    }

    private boolean sameStatus(SidecarProfileStatus previous, SidecarProfileStatus next) {
        var json = client.getKubernetesSerialization();
        return previous != null && json.convertValue(previous, JsonNode.class).equals(json.convertValue(next, JsonNode.class));
    }

    /** The template carries the opt-in already: our profile hash, or the label (ours or its owner's). */
    private static boolean optedInAlready(HasMetadata workload) {
        var template = Workloads.template(workload).getMetadata();
        return template != null && ((template.getAnnotations() != null
                && template.getAnnotations().containsKey(Annotations.PROFILE_HASH))
                || (template.getLabels() != null && "true".equals(template.getLabels().get(Annotations.INJECT))));
    }

    /** One Event when the number of workloads left waiting changes (not one per round, not one per workload). */
    private void reportWaiting(SidecarProfile profile, RolloutMode mode, RolloutPacer.Plan<HasMetadata> plan,
            Integer before) {
        if (plan.waiting() == 0 || Integer.valueOf(plan.waiting()).equals(before)) {
            return;
        }
        if (mode == RolloutMode.MANUAL) {
            events.record(profile, "Normal", "RolloutPending", plan.waiting() + " workload(s) run an older version of"
                    + " this profile (rollout mode manual): restart them, e.g. kubectl rollout restart, or set"
                    + " spec.rollout.mode=auto");
        } else {
            events.record(profile, "Normal", "RolloutPaced", plan.roll().size() + " workload(s) rolled now, "
                    + plan.waiting() + " waiting for the pace of spec.rollout.maxWorkloadsPerMinute; next in "
                    + plan.retryAfter().toSeconds() + " s");
        }
    }

    private static Integer previousOutdatedWorkloads(SidecarProfile profile) {
        return profile.getStatus() == null ? null : profile.getStatus().outdatedWorkloads;
    }

    /** True when Pods remain to be evicted (policy delete): the next round is due after the catch-up interval. */
    private boolean catchUp(SidecarProfile profile, ProfileSettings settings, PodCensus census, Integer reportedBefore) {
        if (census.missing().isEmpty()) {
            return false;
        }
        String names = String.join(", ", census.missing().stream().limit(LISTED_MISSING).map(SidecarProfileReconciler::qualifiedName)
                .toList());
        if (settings.catchUpPolicy() == CatchUpPolicy.DELETE) {
            // Through the Eviction API, not a plain delete: a PodDisruptionBudget holds (the API server answers 429
            // while the budget allows no disruption), so a catch-up never takes down more than the owner allows.
            List<String> evicted = new ArrayList<>();
            List<String> blocked = new ArrayList<>();
            for (Pod pod : census.missing()) {
                // Only Pods a controller recreates: a bare Pod would be gone for good.
                if (pod.getMetadata().getOwnerReferences().stream().anyMatch(o -> Boolean.TRUE.equals(o.getController()))) {
                    boolean done = client.pods().inNamespace(pod.getMetadata().getNamespace())
                            .withName(pod.getMetadata().getName()).evict();
                    (done ? evicted : blocked).add(qualifiedName(pod));
                }
            }
            if (!evicted.isEmpty()) {
                events.record(profile, "Normal", "DeletedForInjection", evicted.size() + " Pod(s) without the sidecar"
                        + " evicted so that their controllers recreate them through the webhook: " + listed(evicted));
            }
            if (!blocked.isEmpty()) {
                events.record(profile, "Warning", "EvictionBlocked", blocked.size() + " Pod(s) without the sidecar"
                        + " kept: their PodDisruptionBudget allows no disruption now; retried at the next catch-up: "
                        + listed(blocked));
            }
            return true;
        } else if (!Integer.valueOf(census.missing().size()).equals(reportedBefore)) {
            events.record(profile, "Warning", "PodsWithoutSidecar", census.missing().size()
                    + " opted-in Pod(s) run without the sidecar (created while the webhook was unreachable?): "
                    + names + "; set spec.catchUp.policy=delete to have them recreated");
        }
        return false;
    }

    private static String listed(List<String> names) {
        return String.join(", ", names.stream().limit(LISTED_MISSING).toList())
                + (names.size() > LISTED_MISSING ? ", ..." : "");
    }

    private static String qualifiedName(HasMetadata object) {
        return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    }
}
