package dev.udsproxy.kind;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No request lost during a rollout: a client Pod opens a new connection to the Service every 50 ms
 * while {@code kubectl rollout restart} replaces every Pod of the example. Readiness on the app's
 * socket, the app's preStop and the sidecar's drain exist for this; 0 failed requests.
 */
@Order(3)
@ExtendWith(KindClusterExtension.class)
class RolloutE2E {

    static final String NS = "rollout";
    private static final Pattern TOTALS = Pattern.compile("ok=(\\d+) fail=(\\d+)");

    @ParameterizedTest
    @ValueSource(strings = {"java", "node"})
    void aRolloutRestartLosesNoRequest(String lang, Shell shell) {
        Kubectl kubectl = new Kubectl(shell);
        if (kubectl.run("get namespace " + NS).exitCode() != 0) {
            kubectl.restrictedNamespace(NS);
        }
        String app = "example-" + lang;
        kubectl.applyExample(NS, lang);
        kubectl.ok("-n " + NS + " scale deploy/" + app + " --replicas=2");
        kubectl.rolloutStatus(NS, app);
        String loader = "load-" + lang;
        kubectl.ok("-n " + NS + " apply -f - <<'EOF'\n" + loadPod(loader, app) + "EOF");
        Awaitility.await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                assertThat(kubectl.run("-n " + NS + " logs " + loader).output()).contains("started"));

        kubectl.ok("-n " + NS + " rollout restart deploy/" + app);
        kubectl.rolloutStatus(NS, app);
        // Old Pods keep terminating after the rollout reports done: wait until only the new ones are left.
        String hash = currentHash(kubectl, app);
        Awaitility.await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(kubectl.ok("-n " + NS
                + " get pods -o name -l app.kubernetes.io/name=" + app + ",pod-template-hash!=" + hash).trim())
                .as("old Pods of %s still there", app).isEmpty());
        // A few more seconds on the new Pods alone, then stop the load.
        Kubectl.pause(Duration.ofSeconds(5));
        kubectl.ok("-n " + NS + " exec " + loader + " -- touch /stop/now");
        kubectl.ok("-n " + NS + " wait --for=jsonpath='{.status.phase}'=Succeeded pod/" + loader + " --timeout=60s");
        String log = kubectl.ok("-n " + NS + " logs " + loader);
        Matcher totals = TOTALS.matcher(log);
        assertThat(totals.find()).as("the load Pod printed its totals:%n%s", log).isTrue();
        int ok = Integer.parseInt(totals.group(1));
        int failed = Integer.parseInt(totals.group(2));
        System.out.printf("kind e2e: rollout restart of %s: %d requests, %d failed%n", app, ok + failed, failed);
        assertThat(failed).as("failed requests during the rollout of %s:%n%s", app, log).isZero();
        // A request every 50 ms plus curl's own start: on 2 shared cores that is 3-20 per second.
        assertThat(ok).as("requests that got through during the rollout").isGreaterThan(50);
        kubectl.ok("-n " + NS + " delete pod " + loader + " --wait=false");
    }

    private static String currentHash(Kubectl kubectl, String app) {
        String rs = kubectl.ok("-n " + NS + " get rs -l app.kubernetes.io/name=" + app
                + " -o jsonpath='{range .items[?(@.status.replicas>0)]}{.metadata.labels.pod-template-hash}{\"\\n\"}{end}'");
        String[] hashes = rs.trim().split("\n");
        return hashes[hashes.length - 1];
    }

    /** New connection each time (curl per request), 3 s budget each; stops when /stop/now appears. */
    private static String loadPod(String name, String service) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %1$s}
                spec:
                  restartPolicy: Never
                  securityContext: {runAsNonRoot: true, runAsUser: 65532, seccompProfile: {type: RuntimeDefault}}
                  containers:
                    - name: load
                      image: %2$s
                      imagePullPolicy: IfNotPresent
                      command:
                        - sh
                        - -c
                        - |
                          ok=0; fail=0; echo started
                          while [ ! -e /stop/now ]; do
                            if curl -sf -m 3 -o /dev/null http://%3$s/hello; then ok=$((ok+1)); else fail=$((fail+1)); echo "failed at $(date +%%T)"; fi
                            sleep 0.05
                          done
                          echo "ok=$ok fail=$fail"
                      securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
                      volumeMounts: [{name: stop, mountPath: /stop}]
                  volumes: [{name: stop, emptyDir: {}}]
                """.formatted(name, Kubectl.TOOLBOX, service);
    }

    @AfterAll
    static void deleteNamespaces(Shell shell) {
        new Kubectl(shell).deleteNamespace(NS);
    }
}
