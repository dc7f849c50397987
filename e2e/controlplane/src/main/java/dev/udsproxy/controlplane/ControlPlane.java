package dev.udsproxy.controlplane;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real control plane on loopback: etcd and kube-apiserver with verified TLS everywhere, RBAC,
 * Pod Security and the admission webhooks on, and, on request, kube-controller-manager. There is no
 * kubelet and no scheduler, so Pods are stored and stay Pending. Tests normally get one through
 * {@link ControlPlaneExtension}, which shares one instance per JVM.
 */
public final class ControlPlane implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final ControlPlaneBinaries binaries;
    private final Path workDir;
    private final ControlPlanePki pki;
    private final OrphanReaper reaper;
    private final List<ManagedProcess> processes = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::stopAll, "udsproxy-controlplane-shutdown");
    private String apiServerUrl;
    private Path kubeconfig;
    private KubernetesClient client;
    private Duration startupTime;
    private boolean closed;
    private final Path auditLog;

    private ControlPlane(ControlPlaneBinaries binaries, Path workDir, boolean audit) {
        this.binaries = binaries;
        this.workDir = workDir;
        this.auditLog = audit ? workDir.resolve("audit.log") : null;
        this.reaper = OrphanReaper.watch(workDir);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        this.pki = ControlPlanePki.create(workDir);
    }

    /** Starts etcd and kube-apiserver and returns once {@code /readyz} answers 200. */
    public static ControlPlane start(ControlPlaneBinaries binaries) {
        return start(binaries, false);
    }

    /**
     * As {@link #start(ControlPlaneBinaries)}; with {@code auditLog}, the API server also writes every request (level
     * Metadata: user, verb, resource, response code) as JSON lines to {@link #auditLog()}, e.g. to check RBAC rules
     * against what a client really asks for. Not shared: the caller closes it.
     */
    public static ControlPlane start(ControlPlaneBinaries binaries, boolean auditLog) {
        // Resolve every binary first: a missing one must fail before anything is started.
        Path etcd = binaries.etcd();
        Path apiServer = binaries.kubeApiserver();
        long started = System.nanoTime();
        ControlPlane plane;
        try {
            plane = new ControlPlane(binaries, Files.createTempDirectory("udsproxy-controlplane-"), auditLog);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for the control plane", e);
        }
        try {
            plane.boot(etcd, apiServer, started);
            return plane;
        } catch (RuntimeException e) {
            plane.close();
            throw e;
        }
    }

    private void boot(Path etcd, Path apiServer, long started) {
        int etcdClientPort = FreePorts.pick();
        int apiPort = FreePorts.pick();
        apiServerUrl = "https://127.0.0.1:" + apiPort;
        // Both at once: the API server retries etcd, which saves etcd's start-up from the total.
        processes.add(ManagedProcess.start("etcd", ControlPlaneCommands.etcd(etcd, workDir.resolve("etcd-data"),
                etcdClientPort, FreePorts.pick(), pki), workDir));
        if (auditLog != null) {
            writeFile(auditLog.resolveSibling("audit-policy.yaml"), ControlPlaneCommands.AUDIT_POLICY);
        }
        processes.add(ManagedProcess.start("kube-apiserver",
                ControlPlaneCommands.kubeApiserver(apiServer, apiPort, etcdClientPort, pki, auditLog), workDir));
        kubeconfig = writeKubeconfig();
        new ApiServerProbe(apiServerUrl, pki.admin.clientSslContext(pki.ca.certificate()))
                .awaitReady(READY_TIMEOUT, List.copyOf(processes));
        startupTime = Duration.ofNanos(System.nanoTime() - started);
        client = new KubernetesClientBuilder().withConfig(clientConfig()).build();
        System.out.printf("udsproxy control plane: kube-apiserver %s ready at %s in %d ms (work dir %s)%n",
                ControlPlaneBinaries.KUBERNETES_VERSION, apiServerUrl, startupTime.toMillis(), workDir);
    }

    /**
     * Starts kube-controller-manager if it is not running yet, and returns once its service-account
     * controller has acted (the {@code default} ServiceAccount exists), i.e. its controllers run.
     */
    public synchronized void startControllerManager() {
        startControllerManager(List.of());
    }

    /** As {@link #startControllerManager()}, with flags of its own appended ({@code extraArgs}, e.g. its API QPS). */
    public synchronized void startControllerManager(List<String> extraArgs) {
        if (controllerManagerRunning()) {
            return;
        }
        long started = System.nanoTime();
        ManagedProcess manager = ManagedProcess.start("kube-controller-manager",
                ControlPlaneCommands.kubeControllerManager(binaries.kubeControllerManager(), kubeconfig, pki, extraArgs),
                workDir);
        processes.add(manager);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (client.serviceAccounts().inNamespace("default").withName("default").get() == null) {
            manager.requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("kube-controller-manager did not create ServiceAccount default/default"
                        + " within 60 s; log:\n" + manager.logTail(30));
            }
            sleep(100);
        }
        System.out.printf("udsproxy control plane: kube-controller-manager working in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    public synchronized boolean controllerManagerRunning() {
        return processes.stream().anyMatch(p -> p.name().equals("kube-controller-manager") && p.isAlive());
    }

    /** A client as cluster admin (group system:masters) that verifies the API server's certificate. */
    public KubernetesClient client() {
        return client;
    }

    /** A fresh fabric8 configuration, e.g. for a client with other timeouts or for an operator under test. */
    public Config clientConfig() {
        return clientConfig(pki.admin);
    }

    /**
     * A configuration authenticating as {@code user} in {@code groups} (a client certificate from the
     * CA), which RBAC then judges: e.g. to check what an operator's ServiceAccount may do, use
     * {@code "system:serviceaccount:<ns>:<name>"} with group {@code "system:serviceaccounts"}.
     */
    public Config clientConfigAs(String user, String... groups) {
        return clientConfig(pki.ca.issueClient(user, List.of(groups)));
    }

    private Config clientConfig(IssuedCertificate identity) {
        return new ConfigBuilder(Config.empty())
                .withMasterUrl(apiServerUrl)
                .withCaCertData(Kubeconfig.base64(pki.ca.certificatePem()))
                .withClientCertData(Kubeconfig.base64(identity.certificatePem()))
                .withClientKeyData(Kubeconfig.base64(identity.privateKeyPem()))
                .withClientKeyAlgo("EC")
                .withNamespace("default")
                .build();
    }

    /** A kubeconfig file (admin, everything embedded) for kubectl, helm or an operator process. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    public String apiServerUrl() {
        return apiServerUrl;
    }

    /** The CA the API server trusts and is signed by: issue webhook serving certificates from it. */
    public CertificateAuthority certificateAuthority() {
        return pki.ca;
    }

    public ControlPlaneBinaries binaries() {
        return binaries;
    }

    /** The JSON-lines audit log of a plane started with one; it is deleted with the plane on close. */
    public Path auditLog() {
        if (auditLog == null) {
            throw new IllegalStateException("this control plane was started without an audit log:"
                    + " use ControlPlane.start(binaries, true)");
        }
        return auditLog;
    }

    /** From the start of etcd to the first 200 from {@code /readyz}. */
    public Duration startupTime() {
        return startupTime;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs stopAll anyway
        }
        stopAll();
    }

    private synchronized void stopAll() {
        if (client != null) {
            client.close();
        }
        // Reverse order: the controller manager and the API server go before the store they use.
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).stop();
        }
        reaper.stop();
        deleteRecursively(workDir);
    }

    private Path writeKubeconfig() {
        try {
            Path file = workDir.resolve("kubeconfig");
            Files.writeString(file, Kubeconfig.render(apiServerUrl, pki.ca.certificatePem(), pki.admin, "admin"));
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the kubeconfig into " + workDir, e);
        }
    }

    private static void writeFile(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("udsproxy control plane: could not delete " + dir + ": " + e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
