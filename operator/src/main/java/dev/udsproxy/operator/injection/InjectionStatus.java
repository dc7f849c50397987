package dev.udsproxy.operator.injection;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/**
 * The value of {@code udsproxy.dev/status}: what the webhook injected. Its presence makes
 * injection idempotent; its hash tells the profile reconciler whether a Pod is outdated.
 */
@JsonPropertyOrder({"profile", "hash", "mode", "container", "port", "socket"})
public record InjectionStatus(String profile, String hash, String mode, String container, int port, String socket) {
    private static final ObjectMapper JSON = new ObjectMapper();

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
        try {
            return Optional.of(JSON.readValue(json, InjectionStatus.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
