package dev.udsproxy.podonhost;

import static dev.udsproxy.podonhost.InjectedExamplePodIT.APP;
import static dev.udsproxy.podonhost.InjectedExamplePodIT.REPO;
import static dev.udsproxy.podonhost.InjectedExamplePodIT.SIDECAR;
import static dev.udsproxy.podonhost.PodChecks.awaitProbe;
import static dev.udsproxy.podonhost.PodChecks.httpGet;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The egress example: examples/quarkus's Redis client (quarkus-redis-client, Vert.x) talks to a real redis-server
 * through the socket the sidecar listens on for the route {@code udsproxy.dev/egress: redis=...}
 * ({@code UDSPROXY_EGRESS_REDIS}); the sidecar dials Redis over TCP. The route is the Deployment's, pointed at the
 * test's Redis on loopback instead of the Service redis:6379.
 */
class RedisEgressPodIT {
    @TempDir
    Path root;
    private HostPod pod;
    private RedisServer redis;

    @AfterEach
    void stopEverything() {
        if (pod != null) {
            pod.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void theQuarkusAppCountsInRedisThroughTheSidecarsEgressSocket() throws Exception {
        PodChecks.skipIf(!PodChecks.onPath("redis-server"),
                "redis-server (Debian package redis-server) is not on PATH: no Redis behind the egress route");
        ExampleBuild.build(REPO, "quarkus");
        redis = RedisServer.start(root.resolve("redis.log"));
        ExampleApp example = ExampleApp.load(REPO, "quarkus");
        var annotations = example.pod().getMetadata().getAnnotations();
        assertThat(annotations).as("the Deployment's egress route").containsEntry("udsproxy.dev/egress",
                "redis=redis:6379");
        annotations.put("udsproxy.dev/egress", "redis=127.0.0.1:" + redis.port());
        Pod injected = OperatorInjection.inject(example.pod(), OperatorInjection.builtInProfile(), true);
        pod = HostPod.create(injected, root, example.configMapFiles(), HostImages.of(REPO, root.resolve("image")),
                PodUsers.unavailable().isEmpty());
        pod.start(SIDECAR);
        Container spec = pod.container(SIDECAR);
        awaitProbe(pod, SIDECAR, Container::getStartupProbe, Duration.ofSeconds(
                (long) spec.getStartupProbe().getPeriodSeconds() * spec.getStartupProbe().getFailureThreshold()));
        pod.start(APP);
        AppSocketReadiness.awaitReady(pod, SIDECAR, APP, Duration.ofSeconds(90));

        // In over the sidecar's TCP port, out over the route's socket, to Redis over TCP: twice, so it is one store.
        String socket = pod.env(APP).get("UDSPROXY_EGRESS_REDIS");
        assertThat(socket).as("UDSPROXY_EGRESS_REDIS in the app's env").isNotNull().endsWith("/egress/redis.sock");
        assertThat(httpGet(pod.hostPort("http"), "/count")).as(pod.logs())
                .isEqualTo("hits 1, redis at unix://" + socket + "\n");
        assertThat(httpGet(pod.hostPort("http"), "/count")).as(pod.logs())
                .isEqualTo("hits 2, redis at unix://" + socket + "\n");
        // The value is in the real Redis, written by the app's client.
        assertThat(redis.command("GET hits")).isEqualTo("2");
    }
}
