import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The load generator of bench/operator-scale.sh (JDK only, run as a single source file): AdmissionReviews POSTed
 * straight to the webhook's HTTPS port (not through the API server) at a fixed rate over keep-alive connections,
 * trusting only the caBundle the operator published, as the API server does.
 *
 * <p>Open loop: request i is due at start + i/rate whether or not earlier ones were answered, and its latency counts
 * from that due time, so a stall shows as latency, not as fewer requests (no coordinated omission). The JDK client
 * A fixed pool of TLS connections, each on its own thread, written and read by hand: the cheapest client that keeps
 * the connections alive, so that the operator, not the client, is what is measured (it still shares the cores).
 *
 * <p>Usage: OperatorScaleLoad PORT CA_PEM BODY_JSON RATE WARMUP_SECONDS SECONDS. BODY_JSON holds "uid":"UID", replaced
 * by a fresh uid per request. Prints one line of JSON: counts, errors by kind, latency quantiles in ms.
 */
public final class OperatorScaleLoad {
    /** Enough for 200/s at up to 40 ms each before requests queue; few enough that none sits idle for long. */
    static final int CONNECTIONS = 8;

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: OperatorScaleLoad PORT CA_PEM BODY_JSON RATE WARMUP_SECONDS SECONDS");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        SSLContext ssl = trusting(Path.of(args[1]));
        String body = Files.readString(Path.of(args[2]));
        int rate = Integer.parseInt(args[3]);
        run(ssl, port, body, rate, Integer.parseInt(args[4]), CONNECTIONS, new TreeMap<>()); // warm-up: JIT, both sides
        Map<String, Integer> errors = new TreeMap<>();
        List<Long> micros = run(ssl, port, body, rate, Integer.parseInt(args[5]), CONNECTIONS, errors);
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

    /**
     * Open loop over a fixed pool of keep-alive connections, as the API server holds them: a dispatcher puts each
     * request's due time on a queue when it is due; a free connection takes it. When all are busy the request waits
     * in the queue, and that wait is part of its latency. No connection is opened during the run (a client that opens
     * one per backlog spends the CPU the operator needs on handshakes: a smoke run with the JDK HttpClient, which does,
     * gave the client 76 % of a core, javac of this file included).
     */
    static List<Long> run(SSLContext ssl, int port, String body, int rate, int seconds, int connections,
            Map<String, Integer> errors) throws Exception {
        BlockingQueue<Long> due = new ArrayBlockingQueue<>(rate * seconds + connections);
        List<Long> micros = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> workers = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Connection connection = new Connection(ssl, port);
            workers.add(Thread.ofPlatform().start(() -> {
                Connection conn = connection;
                try {
                    for (long at = due.take(); at != Long.MIN_VALUE; at = due.take()) {
                        String error;
                        try {
                            error = conn.post(body.replace("\"UID\"", "\"" + UUID.randomUUID() + "\""));
                        } catch (IOException e) {
                            error = e.getClass().getSimpleName();
                            conn.close();
                            conn = new Connection(ssl, port);
                        }
                        micros.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - at));
                        if (error != null) {
                            synchronized (errors) {
                                errors.merge(error, 1, Integer::sum);
                            }
                        }
                    }
                } catch (InterruptedException | IOException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        for (int i = 0; i < rate * seconds; i++) {
            long at = start + i * interval;
            long wait = at - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            due.put(at);
        }
        for (int c = 0; c < connections; c++) {
            due.put(Long.MIN_VALUE);
        }
        for (Thread t : workers) {
            t.join(TimeUnit.SECONDS.toMillis(120));
        }
        return new ArrayList<>(micros);
    }

    /** One TLS connection speaking HTTP/1.1 with keep-alive: POST, then read the status, headers and body. */
    static final class Connection {
        private final SSLSocket socket;
        private final BufferedInputStream in;
        private final OutputStream out;
        private final int port;

        Connection(SSLContext ssl, int port) throws IOException {
            this.port = port;
            socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            socket.startHandshake();
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        /** @return null when the answer is an allowed AdmissionReview with a patch, else what was wrong */
        String post(String json) throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            out.write(("POST /mutate-pods HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json"
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String status = line();
            int length = -1;
            for (String header = line(); !header.isEmpty(); header = line()) {
                if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(header.substring(15).trim());
                }
            }
            if (length < 0) {
                throw new IOException("answer without Content-Length: " + status);
            }
            String answer = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            return !status.startsWith("HTTP/1.1 200") ? status.substring(9).trim()
                    : !answer.contains("\"allowed\":true") ? "refused"
                    : !answer.contains("\"patch\"") ? "allowed without a patch" : null;
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new EOFException("connection closed by the webhook");
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // gone already
            }
        }
    }

    static double pct(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1000.0;
    }
}
