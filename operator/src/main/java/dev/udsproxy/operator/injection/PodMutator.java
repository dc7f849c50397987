package dev.udsproxy.operator.injection;

import dev.udsproxy.contract.Defaults;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Adds the sidecar to a Pod, pure: a copy in, a copy out. The socket folder, the sidecar,
 * the app's mount and env, the port moved from the app to the sidecar, the sidecar's user (the app's, see
 * {@link SidecarUser}), the shared group and the status annotation that makes a second call a no-op.
 */
public final class PodMutator {
    static final String UNNAMED_INBOUND_PORT = "udsproxy-in";

    private PodMutator() {
    }

    public static Mutation mutate(Pod original, InjectionRequest request, ProfileSettings profile,
            ClusterFeatures cluster) {
        // A deep copy through fabric8's builders (every nested model object, list and map is new): 17 us against 94 us
        // for KubernetesSerialization.clone's JSON round trip, which was a quarter of an admission's CPU in a profile of
        // the webhook under load. GoldenCasesTest checks that the input is left untouched.
        Pod pod = new PodBuilder(original).build();
        List<String> warnings = new ArrayList<>();
        Container app = appContainer(pod, request);
        int port = inboundPort(app, request, profile, warnings);
        checkPortIsFree(pod, app, port, profile);
        ContainerPort inbound = takePortFromApp(app, port, request, warnings);
        AppProbes.replaceNamedPort(app, inbound.getName(), port);
        wireApp(app, request);

        pod.getSpec().getVolumes().add(new VolumeBuilder()
                .withName(Annotations.SOCKET_VOLUME)
                .withNewEmptyDir().withMedium("Memory").withSizeLimit(new Quantity(profile.socketVolumeSize()))
                .endEmptyDir()
                .build());
        pod.getSpec().getVolumes().add(new VolumeBuilder()
                .withName(Annotations.NO_TOKEN_VOLUME)
                .withNewEmptyDir().withMedium("Memory").withSizeLimit(new Quantity("1Ki")).endEmptyDir()
                .build());
        shareGroup(pod, profile);
        addPullSecrets(pod, profile);
        long appPreStop = AppPreStop.apply(app, profile, cluster, warnings);
        TerminationGrace.cover(pod, profile, appPreStop, warnings);
        InjectedReadinessGate.remove(pod);

        String proxyProtocol = Optional.ofNullable(request.proxyProtocol()).orElse(profile.proxyProtocol()).wireName();
        boolean nativeSidecar = profile.nativeSidecarOn(cluster.nativeSidecars());
        SidecarUser user = SidecarUser.decide(pod, app, profile);
        user.warning().ifPresent(warnings::add);
        Container sidecar = SidecarContainerFactory.build(profile, request, inbound, proxyProtocol, nativeSidecar,
                user);
        if (nativeSidecar) {
            pod.getSpec().getInitContainers().add(0, sidecar);
        } else {
            pod.getSpec().getContainers().add(0, sidecar);
        }

        var status = new InjectionStatus(profile.name(), profile.hash(), InjectionStatus.mode(nativeSidecar),
                app.getName(), port, request.socket());
        var annotations = new LinkedHashMap<>(Optional.ofNullable(pod.getMetadata().getAnnotations()).orElse(
                new LinkedHashMap<>()));
        annotations.put(Annotations.STATUS, status.toJson());
        pod.getMetadata().setAnnotations(annotations);
        return new Mutation(pod, List.copyOf(warnings));
    }

    private static Container appContainer(Pod pod, InjectionRequest request) {
        List<Container> containers = pod.getSpec().getContainers();
        if (request.container() == null) {
            return containers.get(0);
        }
        return containers.stream().filter(c -> c.getName().equals(request.container())).findFirst()
                .orElseThrow(() -> new InvalidAnnotationException(Annotations.CONTAINER, request.container(),
                        "allowed are the Pod's containers: "
                                + containers.stream().map(Container::getName).collect(Collectors.joining(", "))));
    }

    private static int inboundPort(Container app, InjectionRequest request, ProfileSettings profile,
            List<String> warnings) {
        if (request.port() != null) {
            return request.port();
        }
        Optional<Integer> declared = app.getPorts().stream()
                .filter(p -> p.getProtocol() == null || "TCP".equals(p.getProtocol()))
                .map(ContainerPort::getContainerPort).findFirst();
        if (declared.isEmpty()) {
            warnings.add("container " + app.getName() + " declares no TCP port and the Pod has no " + Annotations.PORT
                    + ": the sidecar listens on " + profile.defaultInboundPort() + ", the profile's default");
        }
        return declared.orElse(profile.defaultInboundPort());
    }

    private static void checkPortIsFree(Pod pod, Container app, int port, ProfileSettings profile) {
        if (port == profile.adminPort()) {
            throw new InvalidAnnotationException(Annotations.PORT, String.valueOf(port),
                    "allowed is any TCP port but " + profile.adminPort() + ", the sidecar's admin port");
        }
        Stream.concat(pod.getSpec().getContainers().stream(), pod.getSpec().getInitContainers().stream())
                .filter(c -> c != app)
                .filter(c -> c.getPorts().stream().anyMatch(p -> p.getContainerPort() == port))
                .findFirst()
                .ifPresent(c -> {
                    throw new InvalidAnnotationException(Annotations.PORT, String.valueOf(port),
                            "allowed is a port that no other container declares; container " + c.getName()
                                    + " declares " + port);
                });
    }

    /** The sidecar owns the port now; keeping its name keeps Services' named targetPorts working. */
    private static ContainerPort takePortFromApp(Container app, int port, InjectionRequest request,
            List<String> warnings) {
        Optional<ContainerPort> declared = app.getPorts().stream().filter(p -> p.getContainerPort() == port)
                .findFirst();
        if (declared.isEmpty()) {
            if (request.port() != null) {
                warnings.add(Annotations.PORT + "=" + port + " is not a containerPort of container " + app.getName()
                        + ": the sidecar listens on it under the name " + UNNAMED_INBOUND_PORT);
            }
            return new ContainerPort(port, null, null, UNNAMED_INBOUND_PORT, "TCP");
        }
        ContainerPort moved = declared.get();
        if (moved.getProtocol() != null && !"TCP".equals(moved.getProtocol())) {
            throw new InvalidAnnotationException(Annotations.PORT, String.valueOf(port),
                    "allowed is a TCP port; container " + app.getName() + " declares " + port + "/"
                            + moved.getProtocol());
        }
        app.getPorts().remove(moved);
        String name = moved.getName() == null ? UNNAMED_INBOUND_PORT : moved.getName();
        return new ContainerPort(port, moved.getHostIP(), moved.getHostPort(), name, "TCP");
    }

    private static void wireApp(Container app, InjectionRequest request) {
        List<EnvVar> ours = new ArrayList<>();
        ours.add(new EnvVar(AppEnv.SOCKET, request.socketPath(), null));
        request.egress().forEach(r -> ours.add(new EnvVar(AppEnv.egress(r), r.socketPath(Defaults.SOCKET_DIR), null)));
        // Our values win over any the user set by hand: the sidecar will use these paths.
        app.getEnv().removeIf(e -> ours.stream().anyMatch(o -> o.getName().equals(e.getName())));
        app.getEnv().addAll(ours);
        app.getVolumeMounts().add(new VolumeMountBuilder()
                .withName(Annotations.SOCKET_VOLUME).withMountPath(Defaults.SOCKET_DIR).build());
    }

    /** The profile's pull secrets after the Pod's own, each name once (the kubelet uses them for every image). */
    private static void addPullSecrets(Pod pod, ProfileSettings profile) {
        List<LocalObjectReference> secrets = pod.getSpec().getImagePullSecrets();
        for (String name : profile.imagePullSecrets()) {
            if (secrets.stream().noneMatch(s -> name.equals(s.getName()))) {
                secrets.add(new LocalObjectReference(name));
            }
        }
    }

    /**
     * Both containers must reach 0660 sockets: with an fsGroup the kubelet makes the emptyDir
     * setgid to that group and gives it to every container, so new sockets carry a shared group.
     * A Pod's own fsGroup is kept.
     */
    private static void shareGroup(Pod pod, ProfileSettings profile) {
        PodSecurityContext context = Optional.ofNullable(pod.getSpec().getSecurityContext())
                .orElseGet(PodSecurityContext::new);
        if (context.getFsGroup() == null) {
            context.setFsGroup(profile.socketGroup());
        }
        pod.getSpec().setSecurityContext(context);
    }
}
