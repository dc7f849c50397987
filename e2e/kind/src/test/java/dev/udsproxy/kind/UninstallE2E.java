package dev.udsproxy.kind;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Last: {@code helm uninstall} leaves no webhook configuration behind; the bystander was never touched. */
@Order(100)
@ExtendWith(KindClusterExtension.class)
class UninstallE2E {

    @Test
    void helmUninstallLeavesNoWebhookAndTheBystanderWasNeverTouched(Shell shell, KubernetesClient client) {
        Bystander.assertUntouched(client, KindClusterExtension.bystanderUid());
        shell.ok("helm uninstall udsproxy-operator -n udsproxy-system --wait --timeout 3m");
        assertThat(client.admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems())
                .extracting(w -> w.getMetadata().getName())
                .as("mutating webhook configurations after helm uninstall")
                .noneMatch(name -> name.contains("udsproxy"));
        assertThat(client.admissionRegistration().v1().validatingWebhookConfigurations().list().getItems())
                .extracting(w -> w.getMetadata().getName()).noneMatch(name -> name.contains("udsproxy"));
        Bystander.assertUntouched(client, KindClusterExtension.bystanderUid());
    }
}
