package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code helm lint --strict}, and values.schema.json refusing what the chart cannot use. */
class ChartLintIT {

    final Helm helm = Helm.locate();

    @Test
    void lintsStrictWithDefaultValues() {
        Helm.Result lint = helm.run("lint", "--strict", Repo.chart().toString(), Repo.crdChart().toString(),
                "--kube-version", Helm.KUBE_VERSION).requireSuccess();
        assertThat(lint.stdout()).contains("2 chart(s) linted, 0 chart(s) failed");
    }

    @Test
    void lintsStrictWithNonDefaultValues() {
        helm.run("lint", "--strict", Repo.chart().toString(), "-f", "src/test/resources/values-custom.yaml",
                "--kube-version", Helm.KUBE_VERSION).requireSuccess();
    }

    @ParameterizedTest(name = "--set {0} is refused at {1}")
    @CsvSource(delimiter = '|', value = {
        "replicaCount=two                 | /replicaCount                  | want integer",
        "webhook.timeoutSeconds=60        | /webhook/timeoutSeconds        | maximum",
        "webhook.failurePolicy=Sometimes  | /webhook/failurePolicy         | 'Ignore', 'Fail'",
        "webhook.matchAllPods=yes         | /webhook/matchAllPods          | want boolean",
        "webhook.refuseUninjectedPods=no  | /webhook/refuseUninjectedPods  | want boolean",
        "shutdown.preStopSleepSeconds=-1  | /shutdown/preStopSleepSeconds  | minimum",
        "webhook.certificate.provider=acme| /webhook/certificate/provider  | 'operator', 'cert-manager'",
        "webhok.failurePolicy=Fail        | ''                             | 'webhok' not allowed",
        "image.pullPolicy=Sometimes       | /image/pullPolicy              | 'Always', 'IfNotPresent', 'Never'",
        "logFormat=xml                    | /logFormat                     | 'text', 'json'",
        "defaultProfile.logFormat=xml     | /defaultProfile/logFormat      | 'text', 'json'",
        "defaultProfile.adminShutdown=all | /defaultProfile/adminShutdown  | 'loopback', 'off'",
        "metrics.podMonitor.interval=often| /metrics/podMonitor/interval   | does not match pattern",
        "metrics.serviceMonitor.enabled=1 | /metrics/serviceMonitor/enabled| want boolean",
        "enabled=maybe                    | /enabled                       | want boolean",
    })
    void schemaRefusesWrongValuesNamingTheKey(String set, String where, String why) {
        Helm.Result result = helm.template("uds", "udsproxy-system", "--set", set);

        assertThat(result.exitCode()).as("helm template --set %s must fail", set).isNotZero();
        assertThat(result.stderr()).contains("don't meet the specifications of the schema")
                .contains("at '" + where.replace("''", "") + "'").contains(why);
    }

    @Test
    void schemaRefusesAStringWhereAnIntegerBelongs() {
        // --set-json keeps the JSON type: "5" is a string, which the API server would refuse much later.
        Helm.Result result = helm.template("uds", "udsproxy-system", "--set-json", "webhook.timeoutSeconds=\"5\"");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("at '/webhook/timeoutSeconds': got string, want integer");
    }

    @Test
    void renderingForAClusterOlderThanTheChartNeedsIsRefusedNamingTheRange() {
        Helm.Result result = helm.run("template", "uds", Repo.chart().toString(), "--kube-version", "1.29.9");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("chart requires kubeVersion: >=1.30.0-0")
                .contains("incompatible with Kubernetes v1.29.9");
    }

    @Test
    void singleReplicaWithTheDefaultDisruptionBudgetIsRefusedWithWhatToDo() {
        Helm.Result result = helm.template("uds", "udsproxy-system", "--set", "replicaCount=1");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("podDisruptionBudget.minAvailable (1) must be below replicaCount (1)")
                .contains("set podDisruptionBudget.enabled=false");
        helm.template("uds", "udsproxy-system", "--set", "replicaCount=1", "--set", "podDisruptionBudget.enabled=false")
                .requireSuccess();
    }

    @Test
    void severalReplicasWithoutLeaderElectionAreRefused() {
        Helm.Result result = helm.template("uds", "udsproxy-system", "--set", "leaderElection.enabled=false");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("replicaCount 2 needs leaderElection.enabled=true");
    }
}
