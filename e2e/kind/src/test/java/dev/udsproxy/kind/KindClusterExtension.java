package dev.udsproxy.kind;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One kind cluster for the whole test JVM, with the product installed by the README's own commands
 * ({@link Walkthrough}). It is created on first use and, when the JVM's tests are done (also after a
 * failure), deleted and the host put back as it was ({@link HostState}). The first failing test
 * exports the cluster's logs to e2e/kind/target/kind/logs.
 */
final class KindClusterExtension implements BeforeAllCallback, ParameterResolver, TestWatcher {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KindClusterExtension.class);
    private static final AtomicBoolean LOGS_EXPORTED = new AtomicBoolean();

    /** The running cluster of this JVM. */
    static final class Running implements ExtensionContext.Store.CloseableResource {
        final long started = System.nanoTime();
        final Shell shell = ClusterEnvironment.shell();
        final HostState host = HostState.record(shell);
        final KindCluster kind = new KindCluster(shell);
        KubernetesClient client;
        Walkthrough walkthrough;
        Bystander bystander;
        Throwable setupFailure;

        void start() {
            System.out.println("kind e2e: host before: " + host.summary());
            String image = kind.nodeImage();
            host.prepareForKind();
            kind.create(image);
            // The kubelet wrote host-global kernel settings (kernel.panic 10, ...) when it started.
            System.out.println("kind e2e: kernel settings the node changed, put back: " + host.restoreSysctls());
            client = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(read(ClusterEnvironment.kubeconfig())))
                    .build();
            kind.awaitReady();
            bystander = Bystander.start(new Kubectl(shell), client);
            walkthrough = Walkthrough.install(shell);
        }

        @Override
        public void close() {
            if (setupFailure != null || LOGS_EXPORTED.get()) {
                System.out.println("kind e2e: see the exported logs under " + ClusterEnvironment.scratch().resolve("logs"));
            }
            if (client != null) {
                client.close();
                // What ran on the node, for the record (the closing notes quote it).
                System.out.println("kind e2e: kubectl get nodes,pods -A -o wide before deletion:\n"
                        + shell.run("kubectl get nodes,pods -A -o wide", java.time.Duration.ofSeconds(60)).output());
            }
            long deleting = System.nanoTime();
            kind.delete();
            System.out.printf("kind e2e: cluster deleted in %.1f s; the tier took %.0f s from its first step%n",
                    (System.nanoTime() - deleting) / 1e9, (System.nanoTime() - started) / 1e9);
            List<String> restored = host.restoreAll();
            System.out.println("kind e2e: host state put back: " + restored);
            System.out.println("kind e2e: host after:  " + host.summary());
            List<String> left = host.differences();
            System.out.println("kind e2e: host differences after the run: " + (left.isEmpty() ? "none" : left));
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Running running = running(context);
        if (running.setupFailure != null) {
            throw new AssertionError("the kind cluster could not be set up (see the first failure)", running.setupFailure);
        }
    }

    static Running running(ExtensionContext context) {
        return context.getRoot().getStore(NS).getOrComputeIfAbsent(Running.class, k -> {
            Running r = new Running();
            try {
                r.start();
            } catch (Throwable t) {
                r.setupFailure = t;
                exportLogsOnce(r);
            }
            return r;
        }, Running.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        return type == KubernetesClient.class || type == Shell.class || type == Walkthrough.class
                || type == Bystander.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        Running r = running(extension);
        Class<?> type = parameter.getParameter().getType();
        if (type == KubernetesClient.class) {
            return r.client;
        }
        if (type == Bystander.class) {
            return r.bystander;
        }
        return type == Shell.class ? r.shell : r.walkthrough;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        exportLogsOnce(running(context));
    }

    private static void exportLogsOnce(Running r) {
        if (LOGS_EXPORTED.compareAndSet(false, true)) {
            r.kind.exportLogs(ClusterEnvironment.scratch().resolve("logs"));
        }
    }

    private static String read(java.nio.file.Path file) {
        try {
            assertThat(file).as("kind wrote the kubeconfig").exists();
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
