import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The load generator of bench/operator-scale.sh (JDK only, run as a single source file): AdmissionReviews POSTed
 * straight to the webhook's HTTPS port (not through the API server) at a fixed rate over keep-alive connections,
 * trusting only the caBundle the operator published, as the API server does.
 *
 * <p>Open loop: request i is due at start + i/rate whether or not earlier ones were answered, and its latency counts
 * from that due time, so a stall shows as latency, not as fewer requests (no coordinated omission). The JDK client
 * sends asynchronously and opens connections as needed. Not Python: a GIL-bound client at 200/s on 2 shared cores
 * measured its own queueing (p50 of seconds while the operator's histogram said 25 ms).
 *
 * <p>Usage: OperatorScaleLoad PORT CA_PEM BODY_JSON RATE WARMUP_SECONDS SECONDS. BODY_JSON holds "uid":"UID", replaced
 * by a fresh uid per request. Prints one line of JSON: counts, errors by kind, latency quantiles in ms.
 */
public final class OperatorScaleLoad {
    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: OperatorScaleLoad PORT CA_PEM BODY_JSON RATE WARMUP_SECONDS SECONDS");
            System.exit(2);
        }
        URI url = URI.create("https://127.0.0.1:" + args[0] + "/mutate-pods");
        HttpClient client = HttpClient.newBuilder().sslContext(trusting(Path.of(args[1])))
                .version(HttpClient.Version.HTTP_1_1).build();
        String body = Files.readString(Path.of(args[2]));
        int rate = Integer.parseInt(args[3]);
        run(client, url, body, rate, Integer.parseInt(args[4]), new TreeMap<>()); // warm-up: JIT and connections
        Map<String, Integer> errors = new TreeMap<>();
        List<Long> micros = run(client, url, body, rate, Integer.parseInt(args[5]), errors);
        micros.sort(null);
        System.out.printf("{\"n\": %d, \"errors\": {%s}, \"p50\": %.3f, \"p99\": %.3f, \"p999\": %.3f, \"max\": %.3f}%n",
                micros.size(), String.join(", ", errors.entrySet().stream()
                        .map(e -> "\"" + e.getKey() + "\": " + e.getValue()).toList()),
                pct(micros, 50), pct(micros, 99), pct(micros, 99.9), micros.getLast() / 1000.0);
        System.exit(0);
    }

    static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        try (var in = Files.newInputStream(caPem)) {
            for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca" + i++, cert);
            }
        }
        var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    static List<Long> run(HttpClient client, URI url, String body, int rate, int seconds, Map<String, Integer> errors)
            throws Exception {
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        List<CompletableFuture<Long>> pending = new ArrayList<>();
        for (int i = 0; i < rate * seconds; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            var request = HttpRequest.newBuilder(url).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.replace("\"UID\"", "\"" + UUID.randomUUID() + "\"")))
                    .build();
            pending.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((r, failure) -> {
                long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - due);
                String error = failure != null ? failure.getClass().getSimpleName()
                        : r.statusCode() != 200 ? "HTTP " + r.statusCode()
                        : !r.body().contains("\"allowed\":true") ? "refused"
                        : !r.body().contains("\"patch\"") ? "allowed without a patch" : null;
                if (error != null) {
                    synchronized (errors) {
                        errors.merge(error, 1, Integer::sum);
                    }
                }
                return micros;
            }));
        }
        List<Long> micros = new ArrayList<>();
        for (var f : pending) {
            micros.add(f.get(60, TimeUnit.SECONDS));
        }
        return micros;
    }

    static double pct(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1000.0;
    }
}
