package dev.udsproxy.operator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.udsproxy.operator.injection.AdmitPod;
import dev.udsproxy.operator.injection.GoldenContext;
import dev.udsproxy.operator.injection.PodPatch;
import dev.udsproxy.operator.webhook.AdmissionHandler;
import dev.udsproxy.operator.webhook.AdmittedPod;
import dev.udsproxy.operator.webhook.JsonBytes;
import io.fabric8.kubernetes.api.model.Pod;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Not a test: the bytes one admission allocates on the heap, whole and by stage, in one JVM (bench/admission-alloc.sh).
 * A figure noise cannot move: the thread's allocation counter (com.sun.management.ThreadMXBean) over many admissions of
 * a golden case's AdmissionReview, after a warm-up, the way the webhook's worker runs them (bytes in, JSON tree,
 * {@link AdmissionHandler}, the answer's bytes). Every admission's garbage is what the young collections of the webhook
 * under load sweep, so fewer bytes here are fewer pauses there. The µs beside it are this host's, noisy.
 */
public final class AdmissionAllocation {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WARM_UP = Integer.getInteger("warmup", 20_000);
    private static final int ROUNDS = Integer.getInteger("rounds", 3);
    private static final int PER_ROUND = Integer.getInteger("admissions", 20_000);

    private AdmissionAllocation() {
    }

    public static void main(String[] args) throws Exception {
        Path golden = Path.of(System.getProperty("golden", "operator/src/test/resources/golden"));
        List<String> cases = args.length > 0 ? List.of(args) : List.of("plain-deployment-pod", "several-containers");
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        System.out.printf("%-28s %10s %10s  %s%n", "case", "KB/adm", "us/adm", "by stage (KB): " + String.join(", ",
                Stage.NAMES));
        for (String name : cases) {
            Path dir = golden.resolve(name);
            var yaml = new ObjectMapper(new YAMLFactory());
            byte[] body = JSON.writeValueAsBytes(yaml.readTree(dir.resolve("in-AdmissionReview.yaml").toFile()));
            GoldenContext context = Files.exists(dir.resolve("context.yaml"))
                    ? yaml.readValue(dir.resolve("context.yaml").toFile(), GoldenContext.class) : new GoldenContext();
            var handler = new AdmissionHandler(context);
            var stages = new Stage(context);
            long sink = 0;
            for (int i = 0; i < WARM_UP; i++) {
                sink += JsonBytes.of(handler.handle(JSON.readTree(body)).review()).length;
                sink += stages.run(body, null);
            }
            List<Double> kb = new ArrayList<>();
            List<Double> us = new ArrayList<>();
            for (int r = 0; r < ROUNDS; r++) {
                long b0 = mx.getThreadAllocatedBytes(thread);
                long t0 = System.nanoTime();
                for (int i = 0; i < PER_ROUND; i++) {
                    // As WebhookServer.admit: bytes -> tree -> handler -> the answer's bytes.
                    sink += JsonBytes.of(handler.handle(JSON.readTree(body)).review()).length;
                }
                long t1 = System.nanoTime();
                kb.add((mx.getThreadAllocatedBytes(thread) - b0) / 1024.0 / PER_ROUND);
                us.add((t1 - t0) / 1000.0 / PER_ROUND);
            }
            Map<String, Long> byStage = new LinkedHashMap<>();
            for (int i = 0; i < PER_ROUND; i++) {
                sink += stages.run(body, byStage);
            }
            StringBuilder parts = new StringBuilder();
            for (String stage : Stage.NAMES) {
                parts.append(parts.isEmpty() ? "" : ", ").append(String.format("%s %.1f", stage,
                        byStage.getOrDefault(stage, 0L) / 1024.0 / PER_ROUND));
            }
            System.out.printf("%-28s %10.1f %10.1f  %s   (body %d B; rounds: %s; sink %d)%n", name, median(kb),
                    median(us), parts, body.length, kb.stream().map(k -> String.format("%.1f", k)).toList(), sink % 7);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** The handler's steps one by one, each between two reads of the allocation counter. */
    private static final class Stage {
        static final List<String> NAMES = List.of("parse", "read Pod", "admit", "patch", "answer");
        private final AdmitPod admit;
        private final com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        private final long thread = Thread.currentThread().threadId();

        Stage(GoldenContext context) {
            this.admit = new AdmitPod(context);
        }

        long run(byte[] body, Map<String, Long> into) throws Exception {
            long b0 = mx.getThreadAllocatedBytes(thread);
            JsonNode review = JSON.readTree(body);
            long b1 = mx.getThreadAllocatedBytes(thread);
            JsonNode object = review.get("request").get("object");
            Pod pod = ((AdmittedPod.Judgeable) AdmittedPod.read(object)).pod();
            long b2 = mx.getThreadAllocatedBytes(thread);
            var admission = admit.admit(pod, review.get("request").path("namespace").asText());
            long b3 = mx.getThreadAllocatedBytes(thread);
            JsonNode patch = admission instanceof AdmitPod.Injected injected
                    ? PodPatch.diff(object, injected.mutation().pod()) : null;
            long b4 = mx.getThreadAllocatedBytes(thread);
            int length = patch == null ? 0 : java.util.Base64.getEncoder().encodeToString(JsonBytes.of(patch)).length();
            long b5 = mx.getThreadAllocatedBytes(thread);
            if (into != null) {
                into.merge("parse", b1 - b0, Long::sum);
                into.merge("read Pod", b2 - b1, Long::sum);
                into.merge("admit", b3 - b2, Long::sum);
                into.merge("patch", b4 - b3, Long::sum);
                into.merge("answer", b5 - b4, Long::sum);
            }
            return length;
        }
    }
}
