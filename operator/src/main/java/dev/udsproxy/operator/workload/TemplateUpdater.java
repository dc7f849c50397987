package dev.udsproxy.operator.workload;

import dev.udsproxy.operator.injection.Annotations;
import dev.udsproxy.operator.injection.InjectionStatus;
import dev.udsproxy.operator.webhook.ClusterInjectionContext;
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
     * Whether the workload is outdated: its Pod template would roll to a newer version of its profile (it carries an
     * older profile hash) and not all its Pods run the current one. An opt-in or an opt-out is not a roll.
     */
    public boolean outdated(HasMetadata cached) {
        context.start();
        var desired = decide(cached);
        if (desired.isEmpty() || !isRoll(Workloads.template(cached).getMetadata(), desired.get())) {
            return false;
        }
        // Pods the user restarted meanwhile (rollout mode manual) came through the webhook with the current version.
        String profile = WorkloadOptIn.profileName(cached.getMetadata(), Workloads.template(cached).getMetadata());
        return !podsInjectedWith(cached, profile, desired.get().annotations().get(Annotations.PROFILE_HASH));
    }

    /**
     * Writes the opt-in the workload asks for. {@code mayRoll}: whether a change of its profile may roll it too; only
     * the profile reconciler does that, paced ({@link RolloutPacer}), so a workload's own reconciler applies an
     * opt-in, an opt-out or a repair but keeps the profile hash the template has.
     */
    public void update(HasMetadata cached, boolean mayRoll) {
        context.start();
        String named = WorkloadOptIn.profileName(cached.getMetadata(), Workloads.template(cached).getMetadata());
        if ("true".equals(cached.getMetadata().getAnnotations().get(Annotations.INJECT)) && hash(named) == null) {
            events.record(cached, "Warning", "ProfileNotFound", "SidecarProfile " + named
                    + " does not exist: the webhook refuses this workload's Pods until it does");
        }
        if (decide(cached, mayRoll).isEmpty()) {
            return; // the steady state: no request to the API server
        }
        // The informer's copy can lag a user's edit by a moment, and fabric8's edit sends the difference between the
        // object it is given and the edited one: a decision taken on a stale copy would be applied as a diff to the
        // newer object and could write half of it (seen on kind: the profile hash without the opt-in label, one
        // needless roll). So a change is decided again on the object as the API server has it now.
        HasMetadata workload = client.resource(cached).get();
        if (workload == null) {
            return;
        }
        var template = Workloads.template(workload);
        var desired = decide(workload, mayRoll);
        String profile = WorkloadOptIn.profileName(workload.getMetadata(), template.getMetadata());
        if (desired.isEmpty()) {
            return;
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
        String what = before == null && after != null ? "opted in to udsproxy injection with profile " + profile
                : after == null ? "opted out of udsproxy injection"
                : !Objects.equals(before, after) ? "rolling out: SidecarProfile " + profile + " changed (" + before
                        + " -> " + after + ")"
                : "Pod template opt-in updated";
        LOG.infof("%s %s/%s: %s", workload.getKind(), workload.getMetadata().getNamespace(),
                workload.getMetadata().getName(), what);
        events.record(workload, "Normal", after == null ? "OptInRemoved" : "OptInApplied", what);
    }

    /** {@link #decide(HasMetadata)}, with a roll to a newer profile hash taken back unless {@code mayRoll}. */
    private Optional<WorkloadOptIn.TemplateOptIn> decide(HasMetadata workload, boolean mayRoll) {
        var desired = decide(workload);
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

    private Optional<WorkloadOptIn.TemplateOptIn> decide(HasMetadata workload) {
        return WorkloadOptIn.desired(workload.getMetadata(), Workloads.template(workload), this::hash,
                new WorkloadOptIn.Cluster(injectable(workload), (profile, hash) -> podsInjectedWith(workload, profile, hash)));
    }

    private boolean injectable(HasMetadata workload) {
        return WorkloadOptIn.injectable(context, workload.getMetadata().getNamespace(),
                Workloads.template(workload).getSpec());
    }

    /** Every live Pod of the workload carries this profile and hash in its status annotation. */
    private boolean podsInjectedWith(HasMetadata workload, String profile, String hash) {
        return client.pods().inNamespace(workload.getMetadata().getNamespace())
                .withLabelSelector(Workloads.selector(workload)).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .map(p -> InjectionStatus.parse(Optional.ofNullable(p.getMetadata().getAnnotations())
                        .map(a -> a.get(Annotations.STATUS)).orElse(null)))
                .allMatch(s -> s.isPresent() && s.get().profile().equals(profile) && s.get().hash().equals(hash));
    }

    String hash(String profile) {
        return WorkloadOptIn.profileHash(context, profile);
    }

    private static String annotation(java.util.Map<String, String> annotations, String key) {
        return Optional.ofNullable(annotations).map(a -> a.get(key)).orElse(null);
    }
}
