package dev.udsproxy.sidecar.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.udsproxy.sidecar.testing.Launcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POST /quitquitquit from a peer that is not loopback, for real: the test makes its own network namespace with a
 * dummy link (a veth pair where the kernel has no dummy module) holding a TEST-NET-1 address (192.0.2.10, RFC 5737: never routed), starts the real sidecar in it and
 * runs curl in it, once bound to 192.0.2.10 (refused with 403, the sidecar serves on) and once from 127.0.0.1
 * (accepted: the sidecar drains and exits 0). All traffic stays inside the namespace. The namespace is deleted in
 * a finally block, and {@code ip netns list} must then be what it was before.
 */
class AdminShutdownNetnsIT {
    private static final String PEER = "192.0.2.10";
    private static final int ADMIN_PORT = 15090; // the real one: a fresh namespace has every port free

    @TempDir
    Path dir;

    @Test
    void onlyLoopbackMayQuit() throws Exception {
        String before = canUseNetns();
        // `ip netns add` also makes /run/netns a (shared) bind mount of itself, and creates it when missing; both
        // are host state, put back afterwards unless they were there before.
        boolean mountedBefore = netnsMounted();
        boolean dirBefore = Files.isDirectory(NETNS_DIR);
        String ns = "udsproxy-it-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        run("ip", "netns", "add", ns);
        Process sidecar = null;
        try {
            run("ip", "-n", ns, "link", "set", "lo", "up");
            addLink(ns);
            run("ip", "-n", ns, "addr", "add", PEER + "/32", "dev", "udsproxy0");
            run("ip", "-n", ns, "link", "set", "udsproxy0", "up");

            Path log = dir.resolve("sidecar.log");
            ProcessBuilder pb = Launcher.launcher(Map.of(),
                    "--listen", "127.0.0.1:8080", "--admin", "0.0.0.0:" + ADMIN_PORT,
                    "--upstream", "unix:" + dir.resolve("app.sock"), "--socket-dir", dir.toString(),
                    "--shutdown-grace", "0s", "--drain-timeout", "1s");
            pb.command().addAll(0, List.of("ip", "netns", "exec", ns));
            sidecar = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions() // curl fails until the port is bound
                    .until(() -> curl(ns, "127.0.0.1", "GET", "/healthz").startsWith("200 "));

            // From the namespace's non-loopback address: refused, and the probes and metrics stay open to it.
            assertThat(curl(ns, PEER, "POST", "/quitquitquit")).isEqualTo("403 quitquitquit is accepted only from"
                    + " loopback (the Pod's own containers); peer " + PEER + " refused\n");
            assertThat(curl(ns, PEER, "GET", "/healthz")).isEqualTo("200 ok\n");
            assertThat(curl(ns, PEER, "GET", "/metrics")).startsWith("200 ").contains("udsproxy_connections_total");
            assertThat(sidecar.isAlive()).as("still serving after a refused quit").isTrue();
            assertThat(Files.readString(log)).contains("POST /quitquitquit refused", "peer " + PEER + " refused");

            // From loopback in the same namespace: accepted.
            assertThat(curl(ns, "127.0.0.1", "POST", "/quitquitquit")).isEqualTo("200 draining\n");
            assertThat(sidecar.waitFor(20, TimeUnit.SECONDS)).as("exits after the drain").isTrue();
            assertThat(sidecar.exitValue()).as(Files.readString(log)).isZero();
        } finally {
            if (sidecar != null) {
                sidecar.destroyForcibly();
                sidecar.waitFor(10, TimeUnit.SECONDS);
            }
            run("ip", "netns", "delete", ns); // also removes the dummy link and its address
            for (int i = 0; i < 3 && !mountedBefore && netnsMounted(); i++) {
                run("umount", NETNS_DIR.toString());
            }
            if (!dirBefore && Files.isDirectory(NETNS_DIR)) {
                try (var left = Files.list(NETNS_DIR)) {
                    if (left.findAny().isEmpty()) {
                        Files.delete(NETNS_DIR);
                    }
                }
            }
            assertThat(output("ip", "netns", "list")).as("network namespaces as before the test").isEqualTo(before);
            assertThat(netnsMounted()).as("%s a mount point, as before the test", NETNS_DIR).isEqualTo(mountedBefore);
            assertThat(Files.isDirectory(NETNS_DIR)).as("%s exists, as before the test", NETNS_DIR).isEqualTo(dirBefore);
        }
    }

    /**
     * The link for 192.0.2.10: a dummy link, or where the kernel has no dummy module a veth pair with both ends in
     * the namespace (a veth end is as non-loopback as a dummy link).
     */
    private static void addLink(String ns) throws Exception {
        try {
            run("ip", "-n", ns, "link", "add", "udsproxy0", "type", "dummy");
        } catch (IOException e) {
            System.out.println("AdminShutdownNetnsIT: no dummy links here (" + e.getMessage().strip()
                    + "); a veth pair inside the namespace instead");
            run("ip", "-n", ns, "link", "add", "udsproxy0", "type", "veth", "peer", "name", "udsproxy1");
            run("ip", "-n", ns, "link", "set", "udsproxy1", "up");
        }
    }

    private static final Path NETNS_DIR = Path.of("/run/netns");

    /** Whether /run/netns is a mount point in this (the host's) mount namespace. */
    private static boolean netnsMounted() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .anyMatch(line -> line.split(" ")[4].equals(NETNS_DIR.toString()));
    }

    /** {@code ip netns list} before the test; skips (saying why) where network namespaces cannot be made. */
    private static String canUseNetns() throws Exception {
        String why = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            why = "needs root to create a network namespace (running as " + System.getProperty("user.name") + ")";
        } else if (Files.notExists(Path.of("/usr/sbin/ip")) && Files.notExists(Path.of("/sbin/ip"))
                && Files.notExists(Path.of("/usr/bin/ip"))) {
            why = "no ip command (iproute2) on this host";
        } else if (new ProcessBuilder("curl", "--version").redirectErrorStream(true).start().waitFor() != 0) {
            why = "no curl on this host (the client inside the namespace)";
        }
        if (why != null) {
            System.out.println("AdminShutdownNetnsIT skipped: " + why);
        }
        Assumptions.assumeTrue(why == null, why);
        return output("ip", "netns", "list");
    }

    /** "STATUS BODY" of one request made by curl inside the namespace, from {@code source}. */
    private static String curl(String ns, String source, String method, String path) throws Exception {
        String url = "http://" + source + ":" + ADMIN_PORT + path;
        String out = output("ip", "netns", "exec", ns, "curl", "-sS", "--max-time", "5", "--interface", source,
                "-X", method, "-o", "-", "-w", "\n%{http_code}", url);
        int nl = out.lastIndexOf('\n');
        return out.substring(nl + 1).trim() + " " + out.substring(0, nl);
    }

    private static void run(String... cmd) throws Exception {
        output(cmd);
    }

    private static String output(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}
