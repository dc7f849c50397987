package dev.udsproxy.podonhost;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Pod's volumes as folders under one host directory: an emptyDir is an empty folder shared by
 * every container that mounts it (which is all an emptyDir is), a ConfigMap a folder with its files.
 */
final class HostVolumes {
    private HostVolumes() {
    }

    /** Volume name → host folder. */
    static Map<String, Path> create(Pod pod, Path root, Map<String, List<Path>> configMapFiles) throws IOException {
        Map<String, Path> folders = new LinkedHashMap<>();
        // There even for a Pod without volumes (an uninjected example): shareWithPodUsers opens it.
        Files.createDirectories(root);
        for (Volume volume : pod.getSpec().getVolumes()) {
            Path folder = Files.createDirectories(root.resolve(volume.getName()));
            folders.put(volume.getName(), folder);
            if (volume.getConfigMap() != null) {
                String name = volume.getConfigMap().getName();
                List<Path> files = configMapFiles.get(name);
                if (files == null) {
                    throw new IllegalArgumentException("volume " + volume.getName() + " needs ConfigMap " + name
                            + ", which no kustomization generates; known are " + configMapFiles.keySet());
                }
                for (Path file : files) {
                    Files.copy(file, folder.resolve(file.getFileName()));
                }
            } else if (volume.getEmptyDir() == null) {
                throw new IllegalArgumentException("volume " + volume.getName()
                        + " is neither an emptyDir nor a ConfigMap: the host has no equivalent for it");
            }
        }
        return folders;
    }

    /**
     * For a Pod run as its own users: emptyDirs get the kubelet's fsGroup ownership, and the test's
     * private folders above them (and the sidecar image folder) become passable for other users.
     */
    static void shareWithPodUsers(Pod pod, Path root, Map<String, Path> folders, Path imageFolder)
            throws IOException {
        try {
            for (Path open : List.of(root, root.resolve("volumes"), imageFolder)) {
                PodUsers.openToOthers(open);
            }
            Long fsGroup = pod.getSpec().getSecurityContext() == null ? null
                    : pod.getSpec().getSecurityContext().getFsGroup();
            for (Volume volume : pod.getSpec().getVolumes()) {
                if (volume.getEmptyDir() != null && fsGroup != null) {
                    PodUsers.shareWithFsGroup(folders.get(volume.getName()), fsGroup);
                } else if (volume.getEmptyDir() != null) {
                    // Without an fsGroup the kubelet makes an emptyDir writable by everyone (0777).
                    PodUsers.openToAll(folders.get(volume.getName()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while preparing the volumes", e);
        }
    }
}
