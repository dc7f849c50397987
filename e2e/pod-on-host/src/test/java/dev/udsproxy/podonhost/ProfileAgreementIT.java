package dev.udsproxy.podonhost;

import static dev.udsproxy.podonhost.InjectedExamplePodIT.REPO;
import static dev.udsproxy.podonhost.InjectedExamplePodIT.SIDECAR;
import static dev.udsproxy.podonhost.PodChecks.awaitProbe;
import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.contract.Setting;
import dev.udsproxy.operator.customresource.NativeSidecarMode;
import dev.udsproxy.operator.customresource.ProxyProtocol;
import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SidecarProfile with every setting given, and a Pod with its own socket name and port: every
 * env name the operator renders is a setting of the contract (an unknown one would be ignored in
 * silence), and every value it renders is one the real sidecar accepts and acts on.
 */
class ProfileAgreementIT {
    @TempDir
    Path root;
    private HostPod pod;
    private HostImages images;
    private Pod injected;

    @BeforeEach
    void injectAPodWithATunedProfile() throws Exception {
        SidecarProfileSpec spec = new SidecarProfileSpec();
        spec.image = "registry.example/udsproxy/sidecar:tuned";
        spec.ports = new SidecarProfileSpec.Ports();
        spec.ports.admin = 15999;
        spec.timeouts = new SidecarProfileSpec.Timeouts();
        spec.timeouts.connect = "250ms";
        spec.timeouts.idle = "30s";
        spec.drain = new SidecarProfileSpec.Drain();
        spec.drain.timeout = "2s";
        spec.drain.shutdownGrace = "500ms";
        spec.proxyProtocol = ProxyProtocol.V1;
        spec.nativeSidecar = NativeSidecarMode.ALWAYS;
        Pod web = new PodBuilder()
                .withNewMetadata().withName("web").withNamespace("shop")
                .addToAnnotations("udsproxy.dev/inject", "true")
                .addToAnnotations("udsproxy.dev/socket", "web.sock")
                .endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("registry.example/web:1")
                .addNewPort().withName("web").withContainerPort(9090).endPort()
                .endContainer().endSpec()
                .build();
        injected = OperatorInjection.inject(web, OperatorInjection.profile("tuned", spec), false);
        images = HostImages.of(REPO, root.resolve("image"));
        pod = HostPod.create(injected, root, Map.of(), images);
    }

    @AfterEach
    void stopEverything() {
        if (pod != null) {
            pod.close();
        }
    }

    /**
     * The names come from the contract on both sides (the sidecar binds every one: SidecarCommandTest), so what is
     * left to check here is that the operator renders no env outside it, which the sidecar would ignore in silence.
     */
    @Test
    void everyEnvTheOperatorRendersIsASettingOfTheContract() {
        Set<String> settings = Arrays.stream(Setting.values()).map(Setting::env).collect(Collectors.toSet());

        List<String> rendered = pod.container(SIDECAR).getEnv().stream().map(EnvVar::getName).toList();
        assertThat(rendered).as("env of the injected sidecar").contains(Stream.of(Setting.LISTEN, Setting.UPSTREAM,
                Setting.ADMIN, Setting.CONNECT_TIMEOUT, Setting.IDLE_TIMEOUT, Setting.SHUTDOWN_GRACE,
                Setting.DRAIN_TIMEOUT, Setting.PROXY_PROTOCOL).map(Setting::env).toArray(String[]::new));
        assertThat(settings).as("the contract's settings").containsAll(rendered);
    }

    @Test
    void theSidecarAcceptsEveryRenderedValueAndActsOnIt() throws Exception {
        ContainerProcess sidecar = pod.start(SIDECAR);
        Container spec = pod.container(SIDECAR);
        awaitProbe(pod, SIDECAR, Container::getStartupProbe, Duration.ofSeconds(
                (long) spec.getStartupProbe().getPeriodSeconds() * spec.getStartupProbe().getFailureThreshold()));

        // The app listens where the operator told it to; the sidecar forwards there, PROXY v1 first.
        Path socket = Path.of(pod.env("web").get("UDSPROXY_SOCKET"));
        assertThat(socket.getFileName()).hasToString("web.sock");
        try (UnixLineServer app = new UnixLineServer(socket)) {
            awaitProbe(pod, SIDECAR, Container::getReadinessProbe, Duration.ofSeconds(10));
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), pod.hostPort("web"))) {
                OutputStream out = client.getOutputStream();
                out.write("hello\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                var in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                assertThat(in.readLine()).as(pod.logs())
                        .startsWith("app got PROXY TCP4 127.0.0.1 127.0.0.1 " + client.getLocalPort() + " ");
                assertThat(in.readLine()).isEqualTo("app got hello");
            }
        }

        // The profile's shutdown grace and drain timeout bound the stop, and the Pod's grace period covers them:
        // SIGTERM ends with 0 before the kubelet's SIGKILL would come.
        Long podGrace = injected.getSpec().getTerminationGracePeriodSeconds();
        long kill = podGrace == null ? 30 : podGrace;
        long start = System.nanoTime();
        assertThat(sidecar.terminate(kill)).as(pod.logs()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500 + 2000 + 1000));
        assertThat(pod.logs()).contains("accepting for 500 ms, then waiting up to 2000 ms");
    }
}
