package dev.udsproxy.podonhost;

import io.fabric8.kubernetes.api.model.Container;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * readOnlyRootFilesystem on the host: the process gets its own mount namespace (unshare, util-linux)
 * in which / is read-only and only the folders behind its volume mounts stay writable, the ones
 * mounted readOnly read-only too. As in the Pod, a write to /tmp or next to the jar fails.
 */
final class ReadOnlyRoot {
    private ReadOnlyRoot() {
    }

    static boolean wanted(Container container) {
        return container.getSecurityContext() != null
                && Boolean.TRUE.equals(container.getSecurityContext().getReadOnlyRootFilesystem());
    }

    /**
     * The argv prefix; what follows it runs with the mounts in place. Bind-mounting a folder onto itself
     * makes it a mount of its own, which keeps its write access when / turns read-only.
     *
     * @param mounts host folder → whether the container mounts it readOnly
     */
    static List<String> prefix(Map<Path, Boolean> mounts) {
        StringBuilder script = new StringBuilder("set -e; mount --make-rprivate /; ");
        for (var mount : mounts.entrySet()) {
            String folder = quote(mount.getKey().toString());
            script.append("mount --bind ").append(folder).append(' ').append(folder).append("; ");
            if (mount.getValue()) {
                script.append("mount -o remount,bind,ro ").append(folder).append("; ");
            }
        }
        script.append("mount -o remount,bind,ro /; exec \"$@\"");
        return new ArrayList<>(List.of("unshare", "--mount", "sh", "-c", script.toString(), "sh"));
    }

    private static String quote(String path) {
        return "'" + path.replace("'", "'\\''") + "'";
    }
}
