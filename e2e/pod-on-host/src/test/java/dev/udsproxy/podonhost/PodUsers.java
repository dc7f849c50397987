package dev.udsproxy.podonhost;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The users of the Pod's securityContext on the host, through setpriv (util-linux): runAsUser and
 * runAsGroup, with the fsGroup and supplementalGroups as extra groups, as the kubelet gives them to
 * every container; and the kubelet's fsGroup ownership of the volumes. This is what makes 0660
 * sockets work between two containers that run as different users. Only root may switch users.
 */
final class PodUsers {
    private PodUsers() {
    }

    /** Why the host cannot run the Pod's users, or empty when it can. */
    static Optional<String> unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("the tests do not run as root (user " + System.getProperty("user.name")
                    + "), so they cannot start processes as the Pod's users");
        }
        for (String tool : new String[] {"setpriv", "unshare"}) {
            if (!PodChecks.onPath(tool)) {
                return Optional.of(tool + " (Debian package util-linux) is not on PATH");
            }
        }
        return Optional.empty();
    }

    /** The argv prefix that runs a container's process as its user, groups and no-new-privs. */
    static List<String> setpriv(Pod pod, Container container) {
        PodSecurityContext podContext = Optional.ofNullable(pod.getSpec().getSecurityContext())
                .orElseGet(PodSecurityContext::new);
        SecurityContext own = Optional.ofNullable(container.getSecurityContext()).orElseGet(SecurityContext::new);
        Long uid = Optional.ofNullable(own.getRunAsUser()).orElse(podContext.getRunAsUser());
        if (uid == null) {
            throw new IllegalArgumentException("container " + container.getName()
                    + " has no runAsUser: the image's user cannot be known on the host");
        }
        // Without runAsGroup the image decides; non-root images (distroless "nonroot" 65532:65532) use the
        // user's own id, so this does too.
        long gid = Optional.ofNullable(own.getRunAsGroup()).or(() -> Optional.ofNullable(podContext.getRunAsGroup()))
                .orElse(uid);
        List<Long> groups = new ArrayList<>();
        Optional.ofNullable(podContext.getFsGroup()).ifPresent(groups::add);
        groups.addAll(podContext.getSupplementalGroups());
        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid,
                groups.isEmpty() ? "--clear-groups"
                        : "--groups=" + groups.stream().map(String::valueOf).collect(Collectors.joining(","))));
        if (Boolean.FALSE.equals(own.getAllowPrivilegeEscalation())) {
            argv.add("--no-new-privs");
        }
        argv.add("--");
        return argv;
    }

    /**
     * The kubelet's fsGroup ownership of a volume: the fsGroup owns it, may write it, and the setgid bit
     * hands that group to every file created in it, sockets included.
     */
    static void shareWithFsGroup(Path folder, long fsGroup) throws IOException, InterruptedException {
        Files.setAttribute(folder, "unix:gid", (int) fsGroup);
        run("chmod", "2777", folder.toString());
    }

    /** The folders above the volumes and the image are the test's own (mode 0700): let the Pod's users pass. */
    static void openToOthers(Path folder) throws IOException, InterruptedException {
        run("chmod", "o+rx", folder.toString());
    }

    /** The kubelet's emptyDir without an fsGroup: every user may create files in it. */
    static void openToAll(Path folder) throws IOException, InterruptedException {
        run("chmod", "0777", folder.toString());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
