/*
 * Closed-loop HTTP/1.1 load generator, plain JDK (21+), one file. Used by demo/run.sh.
 *
 *   java demo/LoadGen.java --conns 16 --warmup 2 --duration 5 \
 *        "app over TCP=tcp:127.0.0.1:18081" "through udsproxy=tcp:127.0.0.1:18080"
 *
 * Each connection keeps exactly one keep-alive GET in flight and times it from the write of the
 * request to the last byte of the response (System.nanoTime). Targets run one after the other with
 * the same settings; the table shows p50, p99 and requests per second of the measured window.
 * Closed loop: latencies hide queueing a fixed-rate client would see (coordinated omission).
 */

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

public class LoadGen {

    static final byte[] REQUEST = "GET /demo HTTP/1.1\r\nHost: demo\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    record Result(String name, long requests, double seconds, long p50Nanos, long p99Nanos, long errors) {}

    public static void main(String[] args) throws Exception {
        int conns = 16;
        double warmup = 2;
        double duration = 5;
        double waitReady = 30;
        Map<String, String> targets = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--conns" -> conns = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--duration" -> duration = Double.parseDouble(args[++i]);
                case "--wait" -> waitReady = Double.parseDouble(args[++i]);
                default -> {
                    int eq = args[i].indexOf('=');
                    if (eq < 1) {
                        fail("'" + args[i] + "' is neither an option (--conns, --warmup, --duration, --wait)"
                                + " nor NAME=tcp:HOST:PORT or NAME=unix:/path");
                    }
                    targets.put(args[i].substring(0, eq), args[i].substring(eq + 1));
                }
            }
        }
        if (targets.isEmpty() || conns < 1 || conns > 1000 || duration <= 0 || duration > 120) {
            fail("need at least one NAME=ADDRESS target, --conns 1..1000 and --duration 0..120 s");
        }
        for (Map.Entry<String, String> t : targets.entrySet()) {
            awaitReady(t.getKey(), address(t.getValue()), waitReady);
        }
        List<Result> results = new ArrayList<>();
        for (Map.Entry<String, String> t : targets.entrySet()) {
            results.add(run(t.getKey(), address(t.getValue()), conns, warmup, duration));
        }
        printTable(results, conns, duration);
        if (results.stream().anyMatch(r -> r.errors() > 0 || r.requests() == 0)) {
            System.exit(1);
        }
    }

    static SocketAddress address(String spec) {
        if (spec.startsWith("unix:")) {
            return UnixDomainSocketAddress.of(spec.substring(5));
        }
        String hostPort = spec.startsWith("tcp:") ? spec.substring(4) : spec;
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            fail("address '" + spec + "' is not tcp:HOST:PORT or unix:/path");
        }
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    static SocketChannel connect(SocketAddress address) throws IOException {
        SocketChannel channel = SocketChannel.open(address instanceof UnixDomainSocketAddress
                ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
        if (!(address instanceof UnixDomainSocketAddress)) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        channel.connect(address);
        return channel;
    }

    /** The sidecar becomes ready a moment after its process starts: poll with one real request. */
    static void awaitReady(String name, SocketAddress address, double seconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        String last = "";
        while (System.nanoTime() < deadline) {
            try (SocketChannel channel = connect(address)) {
                roundTrip(channel, ByteBuffer.allocate(4096));
                return;
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        fail("'" + name + "' (" + address + ") did not answer HTTP within " + seconds + " s: " + last);
    }

    static Result run(String name, SocketAddress address, int conns, double warmup, double duration)
            throws Exception {
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmup * 1e9);
        long measureTo = measureFrom + (long) (duration * 1e9);
        long[][] samples = new long[conns][];
        int[] counts = new int[conns];
        AtomicLong errors = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < conns; c++) {
            int id = c;
            // Platform threads: one per connection, so the client's own scheduling stays simple.
            threads.add(Thread.ofPlatform().start(() -> {
                long[] mine = new long[1 << 16];
                int n = 0;
                ByteBuffer buffer = ByteBuffer.allocate(4096);
                try (SocketChannel channel = connect(address)) {
                    long now;
                    while ((now = System.nanoTime()) < measureTo) {
                        roundTrip(channel, buffer);
                        long done = System.nanoTime();
                        if (now >= measureFrom) {
                            if (n == mine.length) {
                                mine = Arrays.copyOf(mine, n * 2);
                            }
                            mine[n++] = done - now;
                        }
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                    System.err.println("loadgen: " + name + ": connection failed: " + e);
                }
                samples[id] = mine;
                counts[id] = n;
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int c = 0; c < conns; c++) {
            System.arraycopy(samples[c], 0, all, at, counts[c]);
            at += counts[c];
        }
        Arrays.sort(all);
        return new Result(name, total, duration, percentile(all, 50), percentile(all, 99), errors.get());
    }

    /** Nearest-rank percentile of sorted samples. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Writes one GET and reads one full response (headers + Content-Length body); checks the 200. */
    static void roundTrip(SocketChannel channel, ByteBuffer buffer) throws IOException {
        ByteBuffer request = ByteBuffer.wrap(REQUEST);
        while (request.hasRemaining()) {
            channel.write(request);
        }
        buffer.clear();
        int headerEnd = -1;
        int need = Integer.MAX_VALUE;
        while (buffer.position() < need) {
            if (channel.read(buffer) < 0) {
                throw new IOException("server closed the connection mid-response");
            }
            if (headerEnd < 0 && (headerEnd = find(buffer, "\r\n\r\n")) >= 0) {
                String head = new String(buffer.array(), 0, headerEnd, StandardCharsets.ISO_8859_1);
                if (!head.startsWith("HTTP/1.1 200")) {
                    throw new IOException("expected HTTP/1.1 200, got: " + head.lines().findFirst().orElse(""));
                }
                need = headerEnd + 4 + contentLength(head);
            }
            if (!buffer.hasRemaining()) {
                throw new IOException("response larger than " + buffer.capacity() + " bytes");
            }
        }
    }

    static int find(ByteBuffer buffer, String what) {
        byte[] a = buffer.array();
        byte[] w = what.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + w.length <= buffer.position(); i++) {
            for (int j = 0; j < w.length; j++) {
                if (a[i + j] != w[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static int contentLength(String head) throws IOException {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        throw new IOException("response without Content-Length");
    }

    static void printTable(List<Result> results, int conns, double duration) {
        System.out.printf("%n%d keep-alive connections, one request in flight each, %.0f s measured per row%n%n",
                conns, duration);
        System.out.printf("| %-28s | %9s | %9s | %10s |%n", "path", "p50 (µs)", "p99 (µs)", "req/s");
        System.out.printf("|%s|%s|%s|%s|%n", "-".repeat(30), "-".repeat(11), "-".repeat(11), "-".repeat(12));
        for (Result r : results) {
            System.out.printf("| %-28s | %9.1f | %9.1f | %10.0f |%n", r.name(), r.p50Nanos() / 1e3,
                    r.p99Nanos() / 1e3, r.requests() / r.seconds());
        }
        for (Result r : results) {
            if (r.errors() > 0) {
                System.out.printf("%n%s: %d connection(s) failed (see messages above)%n", r.name(), r.errors());
            }
        }
    }

    static void fail(String message) {
        System.err.println("loadgen: " + message);
        System.exit(2);
    }
}
