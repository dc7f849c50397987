package dev.udsproxy.operator.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/**
 * A JSON tree as UTF-8 bytes, the way the webhook writes its patch and its answer: through Jackson's recycled buffers.
 * {@code JsonNode.toString()} builds a String that then has to be encoded to bytes again (the patch for its base64, the
 * answer by Vert.x). Measured with bench/admission-alloc.sh: the patch's stage 14.1 -> 13.0 KB an admission.
 */
public final class JsonBytes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonBytes() {
    }

    public static byte[] of(JsonNode tree) {
        try {
            return JSON.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            // A tree of plain nodes always serializes; this is a bug, answered as one (WebhookServer.failed).
            throw new UncheckedIOException("cannot write a JSON tree", e);
        }
    }
}
