package dev.udsproxy.operator.injection;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The value of {@code udsproxy.dev/status}: what the webhook injected. Its presence makes
 * injection idempotent; its hash tells the profile reconciler whether a Pod is outdated.
 */
@JsonPropertyOrder({"profile", "hash", "mode", "container", "port", "socket"})
public record InjectionStatus(String profile, String hash, String mode, String container, int port, String socket) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Parsed values by their text. The profile's census reads the status of every Pod of the profile at each
     * reconcile (1,667 Pods a profile at 5,000 Pods, bench/operator-scale.sh), and the Pods of one workload carry the
     * same text: a JSON parse each time was the reconciler's main cost there (jstack during the scale-up). Parsing is
     * pure, so a hit is the same answer; the map is emptied when it passes {@link #PARSED_LIMIT} texts (one per
     * profile version, workload port and socket path), so hand-edited values cannot grow it without bound.
     */
    private static final Map<String, Optional<InjectionStatus>> PARSED = new ConcurrentHashMap<>();
    private static final int PARSED_LIMIT = 4096;

    /** The {@code mode} word: how the sidecar is placed in the Pod (also the profile's status.sidecarMode). */
    public static String mode(boolean nativeSidecar) {
        return nativeSidecar ? "native" : "classic";
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Empty when the value is missing or not ours (someone edited it by hand). */
    public static Optional<InjectionStatus> parse(String json) {
        if (json == null) {
            return Optional.empty();
        }
        Optional<InjectionStatus> parsed = PARSED.get(json);
        if (parsed == null) {
            if (PARSED.size() >= PARSED_LIMIT) {
                PARSED.clear();
            }
            parsed = read(json);
            PARSED.put(json, parsed);
        }
        return parsed;
    }

    private static Optional<InjectionStatus> read(String json) {
        try {
            return Optional.of(JSON.readValue(json, InjectionStatus.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
