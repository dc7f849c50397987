package dev.udsproxy.operator.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Records the operator's Events aggregated, as client-go's recorder does: one Event object per involved object and
 * reason ({@link EventKey}), whose {@code count} grows and whose message is the latest, instead of one object per
 * occurrence (a roll of 500 Pods made 500 Events on one ReplicaSet). Callers only add to a map: the webhook's event
 * loop and the reconcilers never wait on the API server here. One thread writes what gathered, at most once a
 * {@link #FLUSH} per Event, so a burst of admissions costs a write a second, not a write per Pod.
 */
@ApplicationScoped
public class EventRecorder {
    public static final String COMPONENT = "udsproxy-operator";
    /** How long occurrences gather before they are written: Events are for people, a second late is not late. */
    static final Duration FLUSH = Duration.ofSeconds(1);
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);

    private final KubernetesClient client;
    private final Map<EventKey, Occurrences> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "udsproxy-events");
        t.setDaemon(true);
        return t;
    });

    public EventRecorder(KubernetesClient client) {
        this.client = client;
        writer.scheduleWithFixedDelay(this::flush, FLUSH.toMillis(), FLUSH.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@code namespace}: where the Event lives (the involved object's; a cluster-scoped one's go to default). */
    public void record(ObjectReference involved, String namespace, String type, String reason, String message) {
        String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now());
        pending.merge(new EventKey(namespace, involved, reason), new Occurrences(type, message, 1, now, now),
                Occurrences::then);
    }

    /** Also called at shutdown, so what gathered in the last second is not lost. */
    void flush() {
        for (EventKey key : pending.keySet()) {
            Occurrences occurrences = pending.remove(key);
            if (occurrences != null) {
                try {
                    write(key, occurrences);
                } catch (RuntimeException e) {
                    LOG.warnf("could not record Event %s on %s %s: %s", key.reason(), key.involved().getKind(),
                            key.involved().getName(), e.getMessage());
                }
            }
        }
    }

    /**
     * Adds to the Event of the key, or creates it. Read-modify-write with the resourceVersion: every replica's webhook
     * records Events, and two adding to the same count must not lose one (a conflict is read again).
     */
    private void write(EventKey key, Occurrences occurrences) {
        var events = client.v1().events().inNamespace(key.namespace());
        for (int attempt = 0; attempt < 3; attempt++) {
            Event existing = events.withName(key.name()).get();
            try {
                if (existing == null) {
                    events.resource(new EventBuilder()
                            .withNewMetadata().withName(key.name()).withNamespace(key.namespace()).endMetadata()
                            .withInvolvedObject(key.involved())
                            .withType(occurrences.type()).withReason(key.reason()).withMessage(occurrences.message())
                            .withNewSource().withComponent(COMPONENT).endSource()
                            .withReportingComponent(COMPONENT)
                            .withFirstTimestamp(occurrences.first()).withLastTimestamp(occurrences.last())
                            .withCount(occurrences.count())
                            .build()).create();
                } else {
                    existing.setCount((existing.getCount() == null ? 1 : existing.getCount()) + occurrences.count());
                    existing.setLastTimestamp(occurrences.last());
                    existing.setMessage(occurrences.message());
                    existing.setType(occurrences.type());
                    events.resource(existing).update();
                }
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) { // 409: created or updated by another replica meanwhile, read it again
                    throw e;
                }
            }
        }
        LOG.warnf("Event %s/%s kept changing under us; %d occurrence(s) not added", key.namespace(), key.name(),
                occurrences.count());
    }

    /** On the ShutdownEvent, while the client still works (beans are destroyed after it, the client among them). */
    void onStop(@Observes ShutdownEvent event) {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }

    /** What gathered for one key since the last write: the latest type and message, the first and last time. */
    record Occurrences(String type, String message, int count, String first, String last) {
        Occurrences then(Occurrences later) {
            return new Occurrences(later.type, later.message, count + later.count, first, later.last);
        }
    }
}
