package dev.udsproxy.podonhost;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What rootful podman (netavark) changes on this host when a container publishes a port, recorded before and put
 * back after, also when the test fails: the forwarding sysctls it turns on, the iptables chains and rules it adds
 * (NETAVARK-*), and the /run/netns folder and bind mount it creates. {@link #differences()} names what is still
 * different, for an assertion after {@link #restore()}.
 */
final class HostNetworkState {
    private static final Path NETNS = Path.of("/run/netns");
    private static final List<String> TABLES = List.of("filter", "nat", "mangle", "raw");
    private static final List<String> IPTABLES = List.of("iptables", "ip6tables");

    private final Map<String, String> sysctls;
    private final Map<String, String> rules;
    private final boolean netnsExisted;
    private final long netnsMounts;

    private HostNetworkState(Map<String, String> sysctls, Map<String, String> rules, boolean netnsExisted,
            long netnsMounts) {
        this.sysctls = sysctls;
        this.rules = rules;
        this.netnsExisted = netnsExisted;
        this.netnsMounts = netnsMounts;
    }

    static HostNetworkState record() throws IOException, InterruptedException {
        return new HostNetworkState(forwardingSysctls(), rules(), Files.isDirectory(NETNS), netnsMounts());
    }

    /** Puts back every recorded value; what cannot be put back shows in {@link #differences()}. */
    void restore() throws IOException, InterruptedException {
        for (Map.Entry<String, String> rule : rules.entrySet()) {
            String[] family = rule.getKey().split(" ");
            run(List.of(family[0] + "-restore", "-T", family[1]), rule.getValue());
        }
        Map<String, String> now = forwardingSysctls();
        for (Map.Entry<String, String> s : sysctls.entrySet()) {
            if (now.containsKey(s.getKey()) && !now.get(s.getKey()).equals(s.getValue())) {
                run(List.of("sysctl", "-q", "-w", s.getKey() + "=" + s.getValue()), null);
            }
        }
        while (netnsMounts() > netnsMounts) {
            if (run(List.of("umount", NETNS.toString()), null) != 0) {
                break;
            }
        }
        if (!netnsExisted && Files.isDirectory(NETNS)) {
            try (var entries = Files.list(NETNS)) {
                if (entries.findAny().isEmpty()) {
                    Files.delete(NETNS);
                }
            }
        }
    }

    /** What differs from the recorded state, one line each; empty when the host is as it was. */
    List<String> differences() throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        Map<String, String> now = forwardingSysctls();
        sysctls.forEach((k, v) -> {
            if (now.containsKey(k) && !now.get(k).equals(v)) {
                out.add(k + " " + v + " -> " + now.get(k));
            }
        });
        Map<String, String> rulesNow = rules();
        rules.forEach((k, v) -> {
            if (!chains(v).equals(chains(rulesNow.getOrDefault(k, "")))) {
                out.add(k + " chains " + chains(v) + " -> " + chains(rulesNow.getOrDefault(k, "")));
            }
        });
        if (netnsMounts() != netnsMounts) {
            out.add(NETNS + " mounts " + netnsMounts + " -> " + netnsMounts());
        }
        if (netnsExisted != Files.isDirectory(NETNS)) {
            out.add(NETNS + (netnsExisted ? " is gone" : " was created"));
        }
        return out;
    }

    private static List<String> chains(String save) {
        return save.lines().filter(l -> l.startsWith(":")).map(l -> l.split(" ")[0]).sorted().toList();
    }

    private static Map<String, String> forwardingSysctls() throws IOException, InterruptedException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : output(List.of("sysctl", "-a")).lines().toList()) {
            int eq = line.indexOf(" = ");
            if (eq > 0 && (line.startsWith("net.ipv4.ip_forward") || line.matches("net\\.ipv[46]\\.conf\\.[^.]+\\.forwarding .*"))) {
                out.put(line.substring(0, eq), line.substring(eq + 3).trim());
            }
        }
        return out;
    }

    private static Map<String, String> rules() throws IOException, InterruptedException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String family : IPTABLES) {
            for (String table : TABLES) {
                out.put(family + " " + table, output(List.of(family + "-save", "-t", table)));
            }
        }
        return out;
    }

    private static long netnsMounts() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.split(" ")[4].equals(NETNS.toString())).count();
    }

    private static String output(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static int run(List<String> command, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
