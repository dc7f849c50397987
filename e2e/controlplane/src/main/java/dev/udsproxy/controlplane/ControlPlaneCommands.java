package dev.udsproxy.controlplane;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command lines of etcd, kube-apiserver and kube-controller-manager: pure, so a test can read them. */
final class ControlPlaneCommands {

    /** Admission as in a production cluster, with the two webhook plugins and Pod Security spelled out. */
    static final String ADMISSION_PLUGINS = String.join(",", "NamespaceLifecycle", "LimitRanger", "ServiceAccount",
            "DefaultStorageClass", "DefaultTolerationSeconds", "PodSecurity", "MutatingAdmissionWebhook",
            "ValidatingAdmissionWebhook", "ValidatingAdmissionPolicy", "ResourceQuota");

    /**
     * What Deployments, ReplicaSets, the other workloads and namespaces need to behave as in a
     * cluster; node, route and volume controllers are left out since there are no nodes.
     */
    static final String CONTROLLERS = String.join(",", "serviceaccount-controller", "serviceaccount-token-controller",
            "root-ca-certificate-publisher-controller", "namespace-controller", "garbage-collector-controller",
            "deployment-controller", "replicaset-controller", "statefulset-controller", "daemonset-controller",
            "job-controller", "endpointslice-controller");

    private ControlPlaneCommands() {
    }

    static List<String> etcd(Path binary, Path dataDir, int clientPort, int peerPort, ControlPlanePki pki) {
        String client = "https://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        return List.of(binary.toString(),
                "--name=default",
                "--data-dir=" + dataDir,
                "--listen-client-urls=" + client,
                "--advertise-client-urls=" + client,
                "--listen-peer-urls=" + peer,
                "--initial-advertise-peer-urls=" + peer,
                "--initial-cluster=default=" + peer,
                "--cert-file=" + pki.etcdServing[0],
                "--key-file=" + pki.etcdServing[1],
                "--client-cert-auth=true",
                "--trusted-ca-file=" + pki.caCrt,
                // A throwaway store: fsync would only slow tests down on a shared disk.
                "--unsafe-no-fsync=true",
                "--log-level=warn");
    }

    /** Level Metadata for every request: who did which verb on which resource, and the answer's code. */
    static final String AUDIT_POLICY = """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            omitStages: ["RequestReceived"]
            rules:
              - level: Metadata
            """;

    /**
     * With {@code auditLog} (the log file; its policy {@link #AUDIT_POLICY} beside it as audit-policy.yaml), the API
     * server writes one JSON audit event per line, synchronously (the log backend's default mode, blocking).
     */
    static List<String> kubeApiserver(Path binary, int securePort, int etcdClientPort, ControlPlanePki pki,
            Path auditLog) {
        List<String> command = new java.util.ArrayList<>(kubeApiserver(binary, securePort, etcdClientPort, pki));
        if (auditLog != null) {
            command.addAll(List.of(
                    "--audit-policy-file=" + auditLog.resolveSibling("audit-policy.yaml"),
                    "--audit-log-path=" + auditLog,
                    "--audit-log-format=json",
                    "--audit-log-maxsize=0"));
        }
        return List.copyOf(command);
    }

    static List<String> kubeApiserver(Path binary, int securePort, int etcdClientPort, ControlPlanePki pki) {
        return List.of(binary.toString(),
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                "--secure-port=" + securePort,
                "--etcd-servers=https://127.0.0.1:" + etcdClientPort,
                "--etcd-cafile=" + pki.caCrt,
                "--etcd-certfile=" + pki.etcdClient[0],
                "--etcd-keyfile=" + pki.etcdClient[1],
                "--tls-cert-file=" + pki.apiServerServing[0],
                "--tls-private-key-file=" + pki.apiServerServing[1],
                "--client-ca-file=" + pki.caCrt,
                "--cert-dir=" + pki.dir,
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file=" + pki.serviceAccountPub,
                "--service-account-signing-key-file=" + pki.serviceAccountKey,
                "--service-cluster-ip-range=10.0.0.0/24",
                "--authorization-mode=Node,RBAC",
                "--enable-admission-plugins=" + ADMISSION_PLUGINS,
                "--allow-privileged=true",
                "--profiling=false",
                "--v=1");
    }

    static List<String> kubeControllerManager(Path binary, Path kubeconfig, ControlPlanePki pki) {
        return kubeControllerManager(binary, kubeconfig, pki, List.of());
    }

    /** {@code extra}: flags appended as given, e.g. {@code --kube-api-qps=100} for a benchmark that creates many Pods. */
    static List<String> kubeControllerManager(Path binary, Path kubeconfig, ControlPlanePki pki, List<String> extra) {
        var command = new ArrayList<>(List.of(binary.toString(),
                "--kubeconfig=" + kubeconfig,
                "--controllers=" + CONTROLLERS,
                "--service-account-private-key-file=" + pki.serviceAccountKey,
                "--root-ca-file=" + pki.caCrt,
                "--use-service-account-credentials=false",
                "--leader-elect=false",
                // No serving endpoint: nothing scrapes it, and it would need another free port.
                "--secure-port=0",
                "--profiling=false",
                "--v=1"));
        command.addAll(extra);
        return List.copyOf(command);
    }
}
