package dev.udsproxy.operator.events;

import io.fabric8.kubernetes.api.model.ObjectReference;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Pure: which Event an occurrence adds to. One per involved object (kind, namespace, name, uid) and reason, named
 * after them so that every replica, and a restarted operator, finds the same one: the involved object's name (as
 * kubectl shows it), a dot, and a digest of the key.
 */
public record EventKey(String namespace, ObjectReference involved, String reason) {
    /** An Event's name is a DNS subdomain (at most 253 characters); the digest and the dot take 17. */
    private static final int NAME_ROOM = 253 - 17;

    public String name() {
        // A bare Pod not named yet shows as "generateName*": only DNS characters go into the Event's name.
        String safe = involved.getName().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.-]+", "-");
        String base = (safe.length() > NAME_ROOM ? safe.substring(0, NAME_ROOM) : safe)
                .replaceAll("^[-.]+|[-.]+$", ""); // a name's parts start and end alphanumeric
        base = base.isEmpty() ? "object" : base;
        String key = String.join("/", String.valueOf(involved.getApiVersion()), String.valueOf(involved.getKind()),
                String.valueOf(involved.getNamespace()), involved.getName(), String.valueOf(involved.getUid()), reason,
                EventRecorder.COMPONENT);
        return base + "." + digest(key);
    }

    private static String digest(String key) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
