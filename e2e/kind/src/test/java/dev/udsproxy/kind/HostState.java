package dev.udsproxy.kind;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a kind cluster changes on this host, recorded before and put back after, also when a test
 * failed (../shared/docs/kind.md lists what was seen): kernel settings the kubelet and the node's
 * systemd write (kernel.panic, which this host boots at 1, among them), netavark's iptables chains,
 * the mounts and cgroups podman leaves, /lib/modules and the podman network kind needs.
 */
final class HostState {

    /** Settings that change by themselves; compared neither before nor after. */
    private static final Pattern VOLATILE = Pattern.compile(
            "^(fs\\.dentry-state|fs\\.file-nr|fs\\.inode-.*|fs\\.quota\\..*|kernel\\.random\\..*|kernel\\.ns_last_pid"
                    + "|kernel\\.pty\\.nr|net\\.netfilter\\.nf_conntrack_count|kernel\\.sched_domain\\..*"
                    + "|net\\.ipv4\\.tcp_mem|net\\.ipv4\\.udp_mem|net\\.ipv6\\.conf\\..*\\.stable_secret"
                    + "|vm\\.stat_refresh|kernel\\.perf_event_max_sample_rate|fs\\.binfmt_misc\\..*|dev\\.cdrom\\..*"
                    + "|kernel\\.core_uses_pid_ns)$");
    /** Only our own leftovers are unmounted: podman's network namespaces folder. */
    private static final List<String> OWN_MOUNTS = List.of("/run/netns");
    /** podman's storage bind-mounts itself on first use; unmounted only when no container is left in it. */
    private static final String STORAGE_MOUNT = "/var/lib/containers/storage/overlay";
    private static final List<String> IPTABLES = List.of("iptables", "ip6tables");
    private static final List<String> TABLES = List.of("filter", "nat", "mangle", "raw");

    private final Shell shell;
    private final Map<String, String> sysctls;
    private final Map<String, String> rules;
    private final Set<String> mounts;
    private final boolean libModules;
    /** Whether /run/netns existed: podman creates it (and mounts it) for the kind network, and leaves the folder. */
    private final boolean runNetns;
    private final boolean kindNetwork;
    private final Set<String> cgroups;

    private HostState(Shell shell) {
        this.shell = shell;
        this.sysctls = sysctls(shell);
        this.rules = rules(shell);
        this.mounts = mounts(shell);
        this.libModules = Files.isDirectory(Path.of("/lib/modules"));
        this.runNetns = Files.exists(Path.of("/run/netns"));
        this.kindNetwork = shell.run("podman network exists kind", Duration.ofSeconds(30)).exitCode() == 0;
        this.cgroups = cgroups(shell);
    }

    static HostState record(Shell shell) {
        return new HostState(shell);
    }

    /** What kind needs before it starts: /lib/modules to bind, an IPv4-only network (else it asks for IPv6). */
    void prepareForKind() {
        shell.ok("mkdir -p /lib/modules");
        if (!kindNetwork) {
            shell.ok("podman network create kind >/dev/null");
        }
    }

    /** The kernel settings back as they were (the kubelet writes them each time it starts). */
    List<String> restoreSysctls() {
        List<String> restored = new ArrayList<>();
        // Settings depend on each other (net.ipv4.ip_forward rewrites every interface's forwarding and
        // accept_redirects): a second pass puts back what the first pass's writes changed again.
        for (int pass = 0; pass < 3; pass++) {
            Map<String, String> now = sysctls(shell);
            boolean changed = false;
            for (Map.Entry<String, String> before : sysctls.entrySet()) {
                String current = now.get(before.getKey());
                if (current != null && !current.equals(before.getValue())) {
                    String path = "/proc/sys/" + before.getKey().replace('.', '/');
                    // A value with tabs (e.g. kernel.printk) is written with spaces, as sysctl -w does.
                    shell.run("printf '%s\\n' '" + before.getValue().replace("\t", " ") + "' > " + path, Duration.ofSeconds(10));
                    restored.add(before.getKey() + ": " + current + " -> " + before.getValue());
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
        }
        return restored;
    }

    /** Everything back after the cluster is gone; returns what differed and was put back. */
    List<String> restoreAll() {
        List<String> restored = new ArrayList<>();
        if (!kindNetwork) {
            shell.run("podman network rm -f kind", Duration.ofSeconds(60));
            restored.add("podman network kind removed");
        }
        Map<String, String> nowRules = rules(shell);
        for (Map.Entry<String, String> before : rules.entrySet()) {
            if (!before.getValue().equals(nowRules.get(before.getKey()))) {
                String[] key = before.getKey().split(" ");
                Path dump = ClusterEnvironment.scratch().resolve("rules-" + key[0] + "-" + key[1]);
                try {
                    Files.writeString(dump, before.getValue());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                shell.ok(key[0] + "-restore -T " + key[1] + " < " + dump);
                restored.add(key[0] + " table " + key[1] + " restored");
            }
        }
        List<String> newMounts = new ArrayList<>(mounts(shell));
        newMounts.removeAll(mounts);
        boolean storageIdle = shell.run("podman ps -aq; buildah containers -q", Duration.ofSeconds(30)).output().isBlank();
        for (String target : newMounts.reversed()) {
            if (OWN_MOUNTS.stream().anyMatch(target::startsWith) || (storageIdle && target.equals(STORAGE_MOUNT))) {
                shell.run("umount -l '" + target + "'", Duration.ofSeconds(10));
                restored.add("unmounted " + target);
            }
        }
        List<String> newCgroups = new ArrayList<>(cgroups(shell));
        newCgroups.removeAll(cgroups);
        for (String dir : newCgroups) {
            // Depth-first: a cgroup folder goes only when it and its children are empty.
            shell.run("find '" + dir + "' -depth -type d -exec rmdir {} + 2>/dev/null", Duration.ofSeconds(10));
            restored.add("removed cgroup " + dir);
        }
        if (!libModules) {
            shell.run("rmdir /lib/modules", Duration.ofSeconds(10));
            restored.add("removed /lib/modules");
        }
        if (!runNetns && Files.isDirectory(Path.of("/run/netns"))) {
            // Only when empty and no longer a mount point: rmdir refuses otherwise, and then differences() says so.
            shell.run("rmdir /run/netns", Duration.ofSeconds(10));
            restored.add("removed /run/netns");
        }
        restored.addAll(restoreSysctls());
        return restored;
    }

    /** Differences left after {@link #restoreAll()}: kernel settings, iptables, mounts (empty when clean). */
    List<String> differences() {
        List<String> diff = new ArrayList<>();
        Map<String, String> now = sysctls(shell);
        sysctls.forEach((k, v) -> {
            if (!v.equals(now.get(k))) {
                diff.add("sysctl " + k + ": " + v + " -> " + now.get(k));
            }
        });
        Map<String, String> nowRules = rules(shell);
        rules.forEach((k, v) -> {
            if (!v.equals(nowRules.get(k))) {
                diff.add(k + " differs");
            }
        });
        // podman's storage mount comes and goes with podman's own commands (it unmounts it when idle): not ours.
        Set<String> nowMounts = mounts(shell);
        nowMounts.stream().filter(m -> !mounts.contains(m) && !m.equals(STORAGE_MOUNT)).forEach(m -> diff.add("new mount " + m));
        mounts.stream().filter(m -> !nowMounts.contains(m) && !m.equals(STORAGE_MOUNT)).forEach(m -> diff.add("mount gone " + m));
        if (!runNetns && Files.exists(Path.of("/run/netns"))) {
            diff.add("/run/netns is left (it did not exist before)");
        }
        return diff;
    }

    /** The kernel settings kind.md names, for printing before/after in the log. */
    String summary() {
        Map<String, String> now = sysctls(shell);
        StringBuilder out = new StringBuilder();
        for (String key : List.of("kernel.panic", "kernel.panic_on_oops", "vm.overcommit_memory", "fs.file-max",
                "net.ipv4.ip_forward")) {
            out.append(key).append('=').append(now.get(key)).append(' ');
        }
        Map<String, String> nowRules = rules(shell);
        out.append("| iptables chains: ");
        nowRules.forEach((k, v) -> out.append(k).append('=').append(v.lines().filter(l -> l.startsWith(":")).count()).append(' '));
        return out.toString().trim();
    }

    private static Map<String, String> sysctls(Shell shell) {
        Map<String, String> values = new TreeMap<>();
        for (String line : shell.ok("sysctl -a 2>/dev/null", Duration.ofSeconds(60)).split("\n")) {
            int eq = line.indexOf(" = ");
            if (eq > 0) {
                String key = line.substring(0, eq);
                if (!VOLATILE.matcher(key).matches()) {
                    values.put(key, line.substring(eq + 3));
                }
            }
        }
        return values;
    }

    /** iptables-save per family and table, without counters and comments (they change by themselves). */
    private static Map<String, String> rules(Shell shell) {
        Map<String, String> dumps = new LinkedHashMap<>();
        for (String family : IPTABLES) {
            for (String table : TABLES) {
                Shell.Result r = shell.run(family + "-save -t " + table, Duration.ofSeconds(30));
                if (r.exitCode() == 0) {
                    dumps.put(family + " " + table, r.output().lines()
                            .filter(l -> !l.startsWith("#"))
                            .map(l -> l.startsWith(":") ? l.replaceAll(" \\[\\d+:\\d+]$", "") : l)
                            .reduce("", (a, b) -> a + b + "\n"));
                }
            }
        }
        return dumps;
    }

    private static Set<String> mounts(Shell shell) {
        return new java.util.LinkedHashSet<>(List.of(shell.ok("findmnt -rn -o TARGET", Duration.ofSeconds(30)).split("\n")));
    }

    private static Set<String> cgroups(Shell shell) {
        return new java.util.TreeSet<>(List.of(shell.ok(
                "ls -d /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/*/machine.slice 2>/dev/null || true",
                Duration.ofSeconds(10)).split("\n")).stream().filter(s -> !s.isBlank()).toList());
    }
}
