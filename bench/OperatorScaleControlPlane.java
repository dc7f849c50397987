import dev.udsproxy.controlplane.ControlPlane;
import dev.udsproxy.controlplane.ControlPlaneBinaries;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The control plane of bench/operator-scale.sh: the tests' real etcd + kube-apiserver + kube-controller-manager
 * (e2e/controlplane), the committed CRDs applied, the operator's namespace created. Launched as a single source file
 * (java -cp ... OperatorScaleControlPlane.java OUT_DIR CRD_DIR) so that the benchmark lives in bench/ alone.
 *
 * <p>It writes what a stdlib client needs into OUT_DIR (ca.pem, client.pem, client-key.pem: the admin identity,
 * group system:masters) and prints {@code READY <api server url>}. It stops the plane when its stdin closes: the
 * script holds the other end, so the plane goes with the script however that ends (the plane's own shutdown hook and
 * orphan reaper cover a SIGTERM or SIGKILL of this JVM), and deletes OUT_DIR then.
 */
public final class OperatorScaleControlPlane {
    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !args[2].matches("[1-9][0-9]*")) {
            System.err.println("usage: OperatorScaleControlPlane OUT_DIR CRD_DIR CONTROLLER_QPS (a whole number >= 1)");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Path crds = Path.of(args[1]);
        int qps = Integer.parseInt(args[2]);
        int status = 0;
        try (ControlPlane plane = ControlPlane.start(ControlPlaneBinaries.locate())) {
            // Deployments become ReplicaSets and Pods only through the controller manager.
            // Its client's rate (kube-api-qps, 20 by default, burst 1.5x) is what paces Pod creation: at 20,000 Pods
            // the default would take ~20 minutes for the creates alone.
            plane.startControllerManager(List.of("--kube-api-qps=" + qps, "--kube-api-burst=" + (qps * 3 / 2)));
            var client = plane.client();
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("udsproxy-system")
                    .endMetadata().build()).serverSideApply();
            try (var files = Files.list(crds)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
                    var crd = client.apiextensions().v1().customResourceDefinitions().load(file.toFile()).serverSideApply();
                    client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                            .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions().stream()
                                    .anyMatch(k -> k.getType().equals("Established") && k.getStatus().equals("True")),
                                    30, TimeUnit.SECONDS);
                }
            }
            var config = plane.clientConfig();
            Files.write(out.resolve("ca.pem"), Base64.getDecoder().decode(config.getCaCertData()));
            Files.write(out.resolve("client.pem"), Base64.getDecoder().decode(config.getClientCertData()));
            Files.write(out.resolve("client-key.pem"), Base64.getDecoder().decode(config.getClientKeyData()));
            System.out.println("READY " + plane.apiServerUrl());
            System.out.flush();
            while (System.in.read() != -1) {
                // the script writes nothing; EOF means it is done (or gone)
            }
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        }
        // The script's own work folder goes too, so that even a SIGKILLed script leaves nothing behind (it deletes the
        // folder itself otherwise; the name check keeps this from ever deleting a folder it was not made for).
        if (out.getFileName().toString().startsWith("udsproxy-operator-scale-")) {
            try (var paths = Files.walk(out)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        // The fabric8 client's Vert.x threads are not daemons: end the JVM explicitly.
        System.exit(status);
    }
}
