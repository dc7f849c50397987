package dev.udsproxy.chart;

import dev.udsproxy.controlplane.ControlPlane;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * The udsproxy-crds release, as the README installs it before the operator chart: Helm maps every object of a
 * release before it creates any, so the operator chart's default SidecarProfile needs its CRD on the server first.
 */
final class CrdChart {

    static final String RELEASE = "udsproxy-crds";
    static final String NAMESPACE = "default";
    static final String CRD = "sidecarprofiles.udsproxy.dev";

    private CrdChart() {
    }

    /** {@code helm upgrade --install} (idempotent: the test classes share one control plane), then Established. */
    static void install(Helm helm, ControlPlane plane, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("upgrade", "--install", RELEASE,
                Repo.crdChart().toString(), "--namespace", NAMESPACE, "--kubeconfig", plane.kubeconfig().toString()));
        args.addAll(List.of(extra));
        helm.run(args, Map.of()).requireSuccess();
        awaitEstablished(plane);
    }

    /** A new CRD is served a moment after it is stored; a custom resource created before that is refused. */
    static void awaitEstablished(ControlPlane plane) {
        Awaitility.await("CRD " + CRD + " Established").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    CustomResourceDefinition crd = plane.client().apiextensions().v1().customResourceDefinitions()
                            .withName(CRD).get();
                    return crd != null && crd.getStatus() != null && crd.getStatus().getConditions().stream()
                            .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
                });
    }
}
