package dev.udsproxy.podonhost;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An injected Pod run on the host: each container a process, each volume a folder, each declared
 * port a free host port. Starting is left to the test, so it can look between the steps the
 * kubelet takes; {@link #close()} stops whatever was started.
 */
final class HostPod implements AutoCloseable {
    private final Pod pod;
    private final Path root;
    private final HostImages images;
    private final Map<String, Path> volumes;
    private final Map<Integer, Integer> ports;
    private final boolean asPodUsers;
    private final List<ContainerProcess> started = new ArrayList<>();

    private HostPod(Pod pod, Path root, HostImages images, Map<String, Path> volumes, Map<Integer, Integer> ports,
            boolean asPodUsers) {
        this.pod = pod;
        this.root = root;
        this.images = images;
        this.volumes = volumes;
        this.ports = ports;
        this.asPodUsers = asPodUsers;
    }

    /** Every process as the test's own user: what most tests need, and it works without root. */
    static HostPod create(Pod pod, Path root, Map<String, List<Path>> configMapFiles, HostImages images)
            throws IOException {
        return create(pod, root, configMapFiles, images, false);
    }

    /** With {@code asPodUsers}, each process runs as its securityContext says and volumes belong to the fsGroup. */
    static HostPod create(Pod pod, Path root, Map<String, List<Path>> configMapFiles, HostImages images,
            boolean asPodUsers) throws IOException {
        Map<Integer, Integer> ports = new LinkedHashMap<>();
        for (Container c : containers(pod).toList()) {
            for (ContainerPort p : c.getPorts()) {
                ports.put(p.getContainerPort(), freePort());
            }
        }
        Map<String, Path> volumes = HostVolumes.create(pod, root.resolve("volumes"), configMapFiles);
        if (asPodUsers) {
            HostVolumes.shareWithPodUsers(pod, root, volumes, images.imageDir());
        }
        return new HostPod(pod, root, images, volumes, ports, asPodUsers);
    }

    Container container(String name) {
        return containers(pod).filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("the Pod has no container " + name + "; it has "
                        + containers(pod).map(Container::getName).collect(Collectors.joining(", "))));
    }

    /** The host folder behind one of the Pod's volumes. */
    Path volume(String name) {
        Path folder = volumes.get(name);
        if (folder == null) {
            throw new AssertionError("the Pod has no volume " + name + "; it has " + volumes.keySet());
        }
        return folder;
    }

    /** Mount path and declared ports of one container moved to the host. */
    HostRewrite rewrite(String containerName) {
        Map<String, Path> mounts = new LinkedHashMap<>();
        for (VolumeMount m : container(containerName).getVolumeMounts()) {
            Path folder = volumes.get(m.getName());
            if (folder == null) {
                throw new AssertionError("container " + containerName + " mounts volume " + m.getName()
                        + ", which the Pod does not have");
            }
            mounts.put(m.getMountPath(), folder);
        }
        return new HostRewrite(mounts, ports);
    }

    /** The container's env as its process sees it: the image's, then the spec's with paths and ports moved. */
    Map<String, String> env(String containerName) {
        HostRewrite rewrite = rewrite(containerName);
        Map<String, String> env = new LinkedHashMap<>(images.imageEnv(container(containerName)));
        for (EnvVar e : container(containerName).getEnv()) {
            if (e.getValueFrom() != null) {
                throw new IllegalArgumentException("env " + e.getName() + " of " + containerName
                        + " uses valueFrom, which needs an API server");
            }
            env.put(e.getName(), rewrite.apply(e.getValue() == null ? "" : e.getValue()));
        }
        return env;
    }

    ContainerProcess start(String containerName) throws IOException {
        return start(containerName, List.of());
    }

    /**
     * The container in a network namespace of its own, with only loopback up: the Pod's own network, where
     * the container's ports are its own too (no move to free host ports needed, nothing else listens). Root
     * only; {@link ContainerProcess#pid()} names the namespace for a client ({@code nsenter --net}).
     */
    ContainerProcess startInOwnNetwork(String containerName) throws IOException {
        // The host's ip (iproute2) by its path: the container's PATH is its image's.
        String ip = images.onPath(List.of("ip")).get(0);
        return start(containerName, images.onPath(List.of("unshare", "--net", "sh", "-c",
                ip + " link set lo up && exec \"$@\"", "sh")));
    }

    private ContainerProcess start(String containerName, List<String> prefix) throws IOException {
        HostRewrite rewrite = rewrite(containerName);
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(asUser(containerName, images.onPath(images.argv(container(containerName), rewrite::apply))));
        // One log per run, so that a restarted container keeps the log of the run before.
        ContainerProcess process = ContainerProcess.start(containerName, argv, env(containerName),
                logFile(containerName + "-" + started.size()));
        started.add(process);
        return process;
    }

    /** What an exec in a container gave: its exit code and its output. */
    record Exec(int exit, String output) {
    }

    /** An exec in the container (a postStart hook, a tool): its user, env and paths. */
    Exec exec(String containerName, List<String> command, long timeoutSeconds) throws IOException,
            InterruptedException {
        HostRewrite rewrite = rewrite(containerName);
        Path log = logFile(containerName + "-exec-" + started.size());
        Container container = container(containerName);
        List<String> inImage = HostImages.isSidecar(container) ? images.inSidecarImage(command) : command;
        List<String> moved = inImage.stream().map(rewrite::apply).toList();
        ExampleImage example = images.example(container);
        ContainerProcess process = ContainerProcess.start(containerName + "-exec",
                asUser(containerName, example != null ? example.command(moved) : images.onPath(moved)),
                env(containerName), log);
        started.add(process);
        int exit = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        return new Exec(exit, Files.readString(log));
    }

    /** With the Pod's users: the container's own mount namespace when its root is read-only, then its user. */
    private List<String> asUser(String containerName, List<String> argv) {
        if (!asPodUsers) {
            return argv;
        }
        Container container = container(containerName);
        List<String> prefixed = new ArrayList<>();
        if (ReadOnlyRoot.wanted(container)) {
            Map<Path, Boolean> mounts = new LinkedHashMap<>();
            container.getVolumeMounts().forEach(m -> mounts.put(volume(m.getName()),
                    Boolean.TRUE.equals(m.getReadOnly())));
            prefixed.addAll(images.onPath(ReadOnlyRoot.prefix(mounts)));
        }
        prefixed.addAll(images.onPath(PodUsers.setpriv(pod, container)));
        prefixed.addAll(argv);
        return prefixed;
    }

    KubeletProbe.Result probe(String containerName, Function<Container, Probe> which) throws InterruptedException {
        Container c = container(containerName);
        Probe probe = which.apply(c);
        if (probe == null) {
            throw new AssertionError("container " + containerName + " has no such probe");
        }
        return KubeletProbe.run(probe, c, rewrite(containerName));
    }

    /** A started process of this container has ended: the kubelet would restart it, a test should stop. */
    boolean exited(String containerName) {
        // Only the latest run counts: after a restart the crashed run is history.
        for (int i = started.size() - 1; i >= 0; i--) {
            if (started.get(i).name().equals(containerName)) {
                return !started.get(i).isAlive();
            }
        }
        return false;
    }

    /** The host port behind a named port of any container: where the cluster's traffic would arrive. */
    int hostPort(String portName) {
        return containers(pod).flatMap(c -> c.getPorts().stream()).filter(p -> portName.equals(p.getName()))
                .map(p -> ports.get(p.getContainerPort())).findFirst()
                .orElseThrow(() -> new AssertionError("no container of the Pod declares a port named " + portName));
    }

    /** Every log so far, for failure messages. */
    String logs() {
        return started.stream().map(ContainerProcess::log).collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        // Reverse order, as the kubelet stops a Pod: the app before its sidecar.
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).stop();
        }
    }

    private Path logFile(String name) throws IOException {
        return Files.createDirectories(root.resolve("logs")).resolve(name + ".log");
    }

    private static Stream<Container> containers(Pod pod) {
        return Stream.concat(pod.getSpec().getInitContainers().stream(), pod.getSpec().getContainers().stream());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
