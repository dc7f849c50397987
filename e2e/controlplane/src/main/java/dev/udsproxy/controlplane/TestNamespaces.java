package dev.udsproxy.controlplane;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Fresh namespaces per test, so tests sharing one control plane do not see each other's objects. */
public final class TestNamespaces {

    private TestNamespaces() {
    }

    /**
     * Creates {@code <prefix>-<random>} with the given labels and its {@code default} ServiceAccount.
     * The ServiceAccount admission plugin refuses Pods whose account is missing, and without
     * kube-controller-manager nobody else creates it; with it, whoever comes second gets a conflict.
     */
    public static String create(KubernetesClient client, String prefix, Map<String, String> labels) {
        String name = (prefix + "-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36))
                .toLowerCase(Locale.ROOT);
        client.namespaces().resource(new NamespaceBuilder()
                .withNewMetadata().withName(name).withLabels(labels).endMetadata().build()).create();
        try {
            client.serviceAccounts().inNamespace(name).resource(new ServiceAccountBuilder()
                    .withNewMetadata().withName("default").endMetadata().build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        return name;
    }
}
