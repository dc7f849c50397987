package dev.udsproxy.kind;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A Job whose Pod opted in completes: the native sidecar ends with the Job's container. */
@Order(5)
@ExtendWith(KindClusterExtension.class)
class JobE2E {

    @Test
    void aJobWithTheSidecarCompletes(Shell shell, KubernetesClient client) {
        Kubectl kubectl = new Kubectl(shell);
        kubectl.restrictedNamespace("jobs");
        kubectl.ok("-n jobs apply -f - <<'EOF'\n" + JOB + "EOF");
        kubectl.ok("-n jobs wait --for=condition=Complete job/once --timeout=180s");
        Pod pod = client.pods().inNamespace("jobs").withLabel("job-name", "once").list().getItems().get(0);
        assertThat(pod.getSpec().getInitContainers()).as("the Job's Pod was injected")
                .anyMatch(c -> c.getName().equals("udsproxy") && "Always".equals(c.getRestartPolicy()));
        assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
        assertThat(kubectl.ok("-n jobs logs job/once -c work")).contains("work done");
    }

    private static final String JOB = """
            apiVersion: batch/v1
            kind: Job
            metadata: {name: once}
            spec:
              backoffLimit: 0
              template:
                metadata:
                  labels: {udsproxy.dev/inject: "true"}
                  annotations: {udsproxy.dev/inject: "true"}
                spec:
                  restartPolicy: Never
                  securityContext: {runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: {type: RuntimeDefault}}
                  containers:
                    - name: work
                      image: %s
                      imagePullPolicy: IfNotPresent
                      command: ["sh", "-c", "sleep 3; echo work done"]
                      ports: [{name: http, containerPort: 8080}]
                      securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
            """.formatted(Kubectl.TOOLBOX);

    @AfterAll
    static void deleteNamespaces(Shell shell) {
        new Kubectl(shell).deleteNamespace("jobs");
    }
}
