package dev.udsproxy.operator.workload;

import dev.udsproxy.operator.cluster.ClusterInjectionContext;
import dev.udsproxy.operator.injection.Annotations;
import dev.udsproxy.operator.injection.InjectionStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Writes what {@link WorkloadOptIn} decides onto a workload's Pod template, and reports it
 * with an Event on the workload. Shared by the workload reconcilers (a workload changed)
 * and the profile reconciler (a profile changed: every workload using it rolls).
 */
@ApplicationScoped
public class TemplateUpdater {
    private static final Logger LOG = Logger.getLogger(TemplateUpdater.class);

    private final KubernetesClient client;
    private final ClusterInjectionContext context;
    private final WorkloadEvents events;

    public TemplateUpdater(KubernetesClient client, ClusterInjectionContext context,
            WorkloadEvents events) {
        this.client = client;
        this.context = context;
        this.events = events;
    }

    /**
     * Writes the opt-in the workload asks for. {@code mayRoll}: whether a change of its profile may roll it too; only
     * the profile reconciler does that, paced ({@link RolloutPacer}), so a workload's own reconciler applies an
     * opt-in, an opt-out or a repair but keeps the profile hash the template has.
     *
     * {@code pods}: where the workload's live Pods are looked up, asked only when the decision depends on them.
     *
     * @return whether a roll was held back: the workload is outdated (its template carries an older profile hash
     *         and not all its Pods run the current one); always false with {@code mayRoll}
     */
    public boolean update(HasMetadata cached, boolean mayRoll, WorkloadPods pods) {
        String named = WorkloadOptIn.profileName(cached.getMetadata(), Workloads.template(cached).getMetadata());
        if ("true".equals(cached.getMetadata().getAnnotations().get(Annotations.INJECT)) && hash(named) == null) {
            events.record(cached, "Warning", "ProfileNotFound", "SidecarProfile " + named
                    + " does not exist: the webhook refuses this workload's Pods until it does");
        }
        var wanted = decide(cached, pods);
        boolean heldBack = !mayRoll && wanted.isPresent() && isRoll(Workloads.template(cached).getMetadata(), wanted.get())
                // Pods the user restarted meanwhile (rollout mode manual) came through the webhook with the current
                // version: nothing is outdated then.
                && !podsInjectedWith(pods, cached, named, wanted.get().annotations().get(Annotations.PROFILE_HASH));
        if (unlessRoll(mayRoll, cached, wanted).isEmpty()) {
            return heldBack; // the steady state: no request to the API server
        }
        // The informer's copy can lag a user's edit by a moment, and fabric8's edit sends the difference between the
        // object it is given and the edited one: a decision taken on a stale copy would be applied as a diff to the
        // newer object and could write half of it (seen on kind: the profile hash without the opt-in label, one
        // needless roll). So a change is decided again on the object as the API server has it now.
        HasMetadata workload = client.resource(cached).get();
        if (workload == null) {
            return heldBack;
        }
        var template = Workloads.template(workload);
        var desired = unlessRoll(mayRoll, workload, decide(workload, pods));
        String profile = WorkloadOptIn.profileName(workload.getMetadata(), template.getMetadata());
        if (desired.isEmpty()) {
            return heldBack;
        }
        String before = annotation(template.getMetadata().getAnnotations(), Annotations.PROFILE_HASH);
        String after = desired.get().annotations().get(Annotations.PROFILE_HASH);
        // No resourceVersion lock: the controllers write status all the time, and we only touch the template.
        client.resource(workload).unlock().edit(w -> {
            var meta = Workloads.template(w).getMetadata();
            meta.setLabels(desired.get().labels());
            meta.setAnnotations(desired.get().annotations());
            var gates = desired.get().readinessGates();
            Workloads.template(w).getSpec().setReadinessGates(gates.isEmpty() ? null : new ArrayList<>(gates));
            return w;
        });
        // Said from the labels written: a template its owner labelled has no hash before, and may get none now.
        boolean optedIn = "true".equals(desired.get().labels().get(Annotations.INJECT));
        String what = !optedIn ? "opted out of udsproxy injection"
                : before == null ? "opted in to udsproxy injection with profile " + profile
                : !Objects.equals(before, after) ? "rolling out: SidecarProfile " + profile + " changed (" + before
                        + " -> " + after + ")"
                : "Pod template opt-in updated";
        LOG.infof("%s %s/%s: %s", workload.getKind(), workload.getMetadata().getNamespace(),
                workload.getMetadata().getName(), what);
        events.record(workload, "Normal", optedIn ? "OptInApplied" : "OptInRemoved", what);
        return heldBack;
    }

    /** {@code desired} for {@code workload}, with a roll to a newer profile hash taken back unless {@code mayRoll}. */
    private static Optional<WorkloadOptIn.TemplateOptIn> unlessRoll(boolean mayRoll, HasMetadata workload,
            Optional<WorkloadOptIn.TemplateOptIn> desired) {
        var meta = Workloads.template(workload).getMetadata();
        if (mayRoll || desired.isEmpty() || !isRoll(meta, desired.get())) {
            return desired;
        }
        var annotations = new java.util.LinkedHashMap<>(desired.get().annotations());
        String kept = annotation(meta.getAnnotations(), Annotations.PROFILE_HASH);
        if (kept == null) {
            annotations.remove(Annotations.PROFILE_HASH);
        } else {
            annotations.put(Annotations.PROFILE_HASH, kept);
        }
        var withoutRoll = new WorkloadOptIn.TemplateOptIn(desired.get().labels(), annotations,
                desired.get().readinessGates());
        boolean same = Objects.equals(withoutRoll.labels(), Optional.ofNullable(meta.getLabels()).orElse(java.util.Map.of()))
                && Objects.equals(withoutRoll.annotations(), Optional.ofNullable(meta.getAnnotations()).orElse(java.util.Map.of()))
                && Objects.equals(withoutRoll.readinessGates(), Optional.ofNullable(Workloads.template(workload).getSpec()
                        .getReadinessGates()).orElse(java.util.List.of()));
        return same ? Optional.empty() : Optional.of(withoutRoll);
    }

    /**
     * A roll: the template was opted in already (our profile hash on it, or the opt-in label its owner wrote) and
     * now gets another profile hash. Not a roll: the first opt-in, an opt-out.
     */
    private static boolean isRoll(io.fabric8.kubernetes.api.model.ObjectMeta template, WorkloadOptIn.TemplateOptIn desired) {
        String before = annotation(template.getAnnotations(), Annotations.PROFILE_HASH);
        String after = desired.annotations().get(Annotations.PROFILE_HASH);
        boolean optedIn = before != null || "true".equals(annotation(template.getLabels(), Annotations.INJECT));
        return optedIn && after != null && !after.equals(before);
    }

    private Optional<WorkloadOptIn.TemplateOptIn> decide(HasMetadata workload, WorkloadPods pods) {
        return WorkloadOptIn.desired(workload.getMetadata(), Workloads.template(workload), this::hash,
                new WorkloadOptIn.Cluster(injectable(workload),
                        (profile, hash) -> podsInjectedWith(pods, workload, profile, hash)));
    }

    private boolean injectable(HasMetadata workload) {
        return WorkloadOptIn.injectable(context, workload.getMetadata().getNamespace(),
                Workloads.template(workload).getSpec());
    }

    /** Every live Pod of the workload carries this profile and hash in its status annotation. */
    private static boolean podsInjectedWith(WorkloadPods pods, HasMetadata workload, String profile, String hash) {
        return pods.of(workload).stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .map(p -> InjectionStatus.parse(Optional.ofNullable(p.getMetadata().getAnnotations())
                        .map(a -> a.get(Annotations.STATUS)).orElse(null)))
                .allMatch(s -> s.isPresent() && s.get().profile().equals(profile) && s.get().hash().equals(hash));
    }

    /** {@link WorkloadPods#listed} with this updater's client. */
    public WorkloadPods listedPods() {
        return WorkloadPods.listed(client);
    }

    String hash(String profile) {
        return WorkloadOptIn.profileHash(context, profile);
    }

    private static String annotation(java.util.Map<String, String> annotations, String key) {
        return Optional.ofNullable(annotations).map(a -> a.get(key)).orElse(null);
    }
}
