package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The chart rendered by the real helm engine, with default and with non-default values. */
class ChartRenderIT {

    static final String NAMESPACE = "udsproxy-system";
    static final String FULLNAME = "uds-udsproxy-operator";

    final Helm helm = Helm.locate();

    Rendered render(String... extra) {
        return Rendered.parse(helm.template("uds", NAMESPACE, extra).requireSuccess().stdout());
    }

    @Test
    void defaultsRenderARestrictedTwoReplicaOperatorWithLeaderElection() {
        Rendered chart = render();

        Deployment deployment = chart.get(Deployment.class, FULLNAME);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo(FULLNAME);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        Container operator = pod.getContainers().get(0);
        assertThat(operator.getImage()).isEqualTo("udsproxy/operator:0.1.0");
        assertThat(operator.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(operator.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(operator.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
        assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(env(operator)).containsEntry("UDSPROXY_LEADER_ELECTION", "true")
                .containsEntry("UDSPROXY_WEBHOOK_CONFIGURATION_NAME", FULLNAME + "-webhook")
                .containsEntry("UDSPROXY_WEBHOOK_SERVICE_NAME", FULLNAME + "-webhook")
                .containsEntry("UDSPROXY_WEBHOOK_SECRET_NAME", FULLNAME + "-webhook-tls")
                .containsEntry("UDSPROXY_WEBHOOK_PORT", "8443")
                .containsEntry("UDSPROXY_WEBHOOK_CERTIFICATES", "operator");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("udsproxy.dev/inject", "false");
        assertThat(env(operator)).containsEntry("UDSPROXY_EXCLUDED_NAMESPACES",
                "kube-system,kube-public,kube-node-lease," + NAMESPACE);

        PodDisruptionBudget pdb = chart.get(PodDisruptionBudget.class, FULLNAME);
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());

        GenericKubernetesResource profile = chart.ofKind("SidecarProfile").stream()
                .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
        assertThat(profile.getMetadata().getName()).isEqualTo("default");
        assertThat(profile.get("spec", "image").toString()).isEqualTo("udsproxy/sidecar:0.1.0");
    }

    @Test
    void theWebhookStaysReachableThroughTheOperatorsOwnRollout() {
        Deployment deployment = render().get(Deployment.class, FULLNAME);

        // A new replica is Ready (serving HTTPS) before an old one goes; a terminating one keeps serving until its
        // endpoint is gone (the preStop sleep), and the grace period lets it finish after that.
        assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal()).isEqualTo(1);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container operator = pod.getContainers().get(0);
        assertThat(operator.getLifecycle().getPreStop().getSleep().getSeconds()).isEqualTo(5L);
        assertThat(operator.getLifecycle().getPreStop().getExec()).as("the image has no shell").isNull();
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(5L + 15);
        assertThat(operator.getReadinessProbe().getHttpGet().getPath()).as("up only once HTTPS serves")
                .isEqualTo("/q/health/ready");

        PodSpec noSleep = render("--set", "shutdown.preStopSleepSeconds=0").get(Deployment.class, FULLNAME).getSpec()
                .getTemplate().getSpec();
        assertThat(noSleep.getContainers().get(0).getLifecycle()).as("Kubernetes < 1.30 has no sleep action").isNull();
        assertThat(noSleep.getTerminationGracePeriodSeconds()).isEqualTo(15L);
    }

    @Test
    void defaultsRefuseOptedInPodsWithoutTheSidecarThroughAnAdmissionPolicy() {
        Rendered chart = render();
        ValidatingAdmissionPolicy policy = chart.all(ValidatingAdmissionPolicy.class).stream().collect(singleOnly());
        ValidatingAdmissionPolicyBinding binding = chart.all(ValidatingAdmissionPolicyBinding.class).stream()
                .collect(singleOnly());

        assertThat(policy.getApiVersion()).isEqualTo("admissionregistration.k8s.io/v1");
        assertThat(binding.getSpec().getPolicyName()).isEqualTo(policy.getMetadata().getName());
        assertThat(binding.getSpec().getValidationActions()).containsExactly("Deny");
        assertThat(notIn(policy.getSpec().getMatchConstraints().getNamespaceSelector().getMatchExpressions(),
                "kubernetes.io/metadata.name")).containsExactlyInAnyOrder("kube-system", "kube-public",
                "kube-node-lease", NAMESPACE);
        assertThat(render("--set", "webhook.refuseUninjectedPods=false").ofKind("ValidatingAdmissionPolicy"))
                .isEmpty();
    }

    @Test
    void defaultWebhookIsSideEffectFreeAndExcludesControlPlaneAndReleaseNamespaces() {
        Rendered chart = render();
        MutatingWebhookConfiguration config = chart.get(MutatingWebhookConfiguration.class, FULLNAME + "-webhook");
        Service service = chart.get(Service.class, FULLNAME + "-webhook");
        Deployment deployment = chart.get(Deployment.class, FULLNAME);

        assertThat(config.getWebhooks()).extracting(MutatingWebhook::getName)
                .containsExactly("labelled.pods.udsproxy.dev", "namespace.pods.udsproxy.dev");
        for (MutatingWebhook webhook : config.getWebhooks()) {
            // The webhook writes no Event for a dry-run AdmissionReview (kubectl --dry-run=server, helm test).
            assertThat(webhook.getSideEffects()).isEqualTo("NoneOnDryRun");
            assertThat(webhook.getTimeoutSeconds()).isEqualTo(5);
            assertThat(webhook.getFailurePolicy()).isEqualTo("Ignore");
            assertThat(webhook.getAdmissionReviewVersions()).containsExactly("v1");
            assertThat(webhook.getClientConfig().getService().getName()).isEqualTo(service.getMetadata().getName());
            assertThat(webhook.getClientConfig().getService().getNamespace()).isEqualTo(NAMESPACE);
            assertThat(webhook.getClientConfig().getService().getPath()).isEqualTo("/mutate-pods");
            assertThat(webhook.getRules()).singleElement().satisfies(rule -> {
                assertThat(rule.getOperations()).containsExactly("CREATE");
                assertThat(rule.getResources()).containsExactly("pods");
            });
            assertThat(notIn(webhook.getNamespaceSelector().getMatchExpressions(), "kubernetes.io/metadata.name"))
                    .contains("kube-system", "kube-public", NAMESPACE);
        }
        assertThat(config.getWebhooks().get(0).getObjectSelector().getMatchLabels())
                .containsEntry("udsproxy.dev/inject", "true");
        assertThat(config.getWebhooks().get(1).getNamespaceSelector().getMatchLabels())
                .containsEntry("udsproxy.dev/injection", "enabled");
        assertThat(notIn(config.getWebhooks().get(1).getObjectSelector().getMatchExpressions(), "udsproxy.dev/inject"))
                .containsExactlyInAnyOrder("true", "false");

        // The Service reaches the operator's webhook port and selects exactly the operator's Pods.
        assertThat(service.getSpec().getPorts()).anySatisfy(port -> {
            assertThat(port.getPort()).isEqualTo(443);
            assertThat(port.getTargetPort().getStrVal()).isEqualTo("webhook");
        });
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
                .anySatisfy(port -> assertThat(port.getName()).isEqualTo("webhook"));
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(service.getSpec().getSelector());
    }

    @Test
    void rbacNamesEveryVerbAndResourceAndBindsTheOperatorServiceAccount() {
        Rendered chart = render();
        List<PolicyRule> rules = Stream.concat(
                chart.all(ClusterRole.class).stream().flatMap(r -> r.getRules().stream()),
                chart.all(Role.class).stream().flatMap(r -> r.getRules().stream())).toList();

        assertThat(rules).isNotEmpty().allSatisfy(rule -> {
            assertThat(rule.getVerbs()).doesNotContain("*");
            assertThat(rule.getResources()).doesNotContain("*");
            assertThat(rule.getApiGroups()).doesNotContain("*");
        });
        // The webhook configuration may be changed by name only: the operator's own.
        assertThat(rules).filteredOn(rule -> rule.getResources().contains("mutatingwebhookconfigurations")
                        && rule.getVerbs().contains("patch"))
                .singleElement()
                .satisfies(rule -> assertThat(rule.getResourceNames()).containsExactly(FULLNAME + "-webhook"));
        // Secrets and Leases only in the release namespace, through a Role.
        assertThat(chart.all(ClusterRole.class)).flatMap(ClusterRole::getRules)
                .noneMatch(rule -> rule.getResources().contains("secrets") || rule.getResources().contains("leases"));
        assertThat(chart.get(Role.class, FULLNAME).getMetadata().getNamespace()).isEqualTo(NAMESPACE);

        ClusterRoleBinding binding = chart.get(ClusterRoleBinding.class, FULLNAME);
        assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
            assertThat(subject.getName()).isEqualTo(chart.get(ServiceAccount.class, FULLNAME).getMetadata().getName());
            assertThat(subject.getNamespace()).isEqualTo(NAMESPACE);
        });
    }

    @Test
    void nonDefaultValuesReachTheObjects() {
        Rendered chart = render("-f", "src/test/resources/values-custom.yaml");

        Deployment deployment = chart.get(Deployment.class, FULLNAME);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container operator = pod.getContainers().get(0);
        assertThat(operator.getImage()).isEqualTo("registry.example/udsproxy/operator:9.9.9");
        assertThat(operator.getImagePullPolicy()).isEqualTo("Always");
        assertThat(pod.getImagePullSecrets()).singleElement().satisfies(s -> assertThat(s.getName()).isEqualTo("regcred"));
        assertThat(pod.getServiceAccountName()).isEqualTo("custom-sa");
        assertThat(pod.getPriorityClassName()).isEqualTo("system-cluster-critical");
        assertThat(env(operator)).containsEntry("UDSPROXY_WEBHOOK_PORT", "9443")
                .containsEntry("QUARKUS_HTTP_PORT", "9080")
                .containsEntry("QUARKUS_LOG_CATEGORY__DEV_UDSPROXY__LEVEL", "DEBUG")
                .containsEntry("UDSPROXY_WEBHOOK_CERTIFICATES", "cert-manager");
        assertThat(operator.getPorts()).anySatisfy(p -> assertThat(p.getContainerPort()).isEqualTo(9443));

        MutatingWebhookConfiguration config = chart.get(MutatingWebhookConfiguration.class, FULLNAME + "-webhook");
        assertThat(config.getMetadata().getAnnotations())
                .containsEntry("cert-manager.io/inject-ca-from", NAMESPACE + "/" + FULLNAME + "-webhook");
        // matchAllPods adds an entry for every other Pod; failurePolicy applies to the opted-in entries only, so
        // a down operator blocks no Pod that never asked for udsproxy.
        assertThat(config.getWebhooks()).extracting(MutatingWebhook::getName).containsExactly(
                "labelled.pods.udsproxy.dev", "namespace.pods.udsproxy.dev", "annotated.pods.udsproxy.dev");
        assertThat(config.getWebhooks()).extracting(MutatingWebhook::getFailurePolicy)
                .containsExactly("Fail", "Fail", "Ignore");
        for (MutatingWebhook webhook : config.getWebhooks()) {
            assertThat(webhook.getTimeoutSeconds()).isEqualTo(12);
            assertThat(webhook.getReinvocationPolicy()).isEqualTo("Never");
            assertThat(notIn(webhook.getNamespaceSelector().getMatchExpressions(), "kubernetes.io/metadata.name"))
                    .containsExactlyInAnyOrder("kube-system", "kube-public", "kube-node-lease", NAMESPACE, "legacy",
                            "batch");
        }
        MutatingWebhook others = config.getWebhooks().get(2);
        assertThat(notIn(others.getNamespaceSelector().getMatchExpressions(), "udsproxy.dev/injection"))
                .containsExactly("enabled");
        assertThat(notIn(others.getObjectSelector().getMatchExpressions(), "udsproxy.dev/inject"))
                .containsExactlyInAnyOrder("true", "false");
        assertThat(chart.ofKind("ValidatingAdmissionPolicy")).isEmpty();
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getLifecycle()).isNull();

        assertThat(chart.all(PodDisruptionBudget.class)).isEmpty();
        assertThat(chart.ofKind("Certificate")).hasSize(1);
        assertThat(chart.ofKind("Issuer")).hasSize(1);
        assertThat(chart.get(RoleBinding.class, FULLNAME).getSubjects().get(0).getName()).isEqualTo("custom-sa");
        assertThat(chart.get(ServiceAccount.class, "custom-sa").getMetadata().getAnnotations())
                .containsEntry("example.com/role", "operator");
        assertThat(chart.get(RoleBinding.class, FULLNAME + "-test-injection").getMetadata().getNamespace())
                .isEqualTo("udsproxy-smoke");

        GenericKubernetesResource profile = chart.ofKind("SidecarProfile").stream()
                .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
        assertThat(profile.get("spec", "image").toString()).isEqualTo("registry.example/udsproxy/sidecar:9.9.9");
        assertThat(profile.get("spec", "nativeSidecar").toString()).isEqualTo("never");
        assertThat(profile.get("spec", "catchUp", "policy").toString()).isEqualTo("delete");
    }

    @Test
    void switchesTurnOptionalObjectsOff() {
        Rendered chart = render("--set", "defaultProfile.create=false", "--set", "rbac.create=false",
                "--set", "serviceAccount.create=false", "--set", "serviceAccount.name=existing");

        assertThat(chart.ofKind("SidecarProfile")).isEmpty();
        assertThat(chart.all(ClusterRole.class)).isEmpty();
        assertThat(chart.find(ServiceAccount.class, "existing")).isEmpty();
        assertThat(chart.get(Deployment.class, FULLNAME).getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo("existing");
    }

    @Test
    void helmTestPodRunsTheInjectionCheckUnderRestrictedSettings() {
        Rendered chart = render();
        var testPod = chart.get(io.fabric8.kubernetes.api.model.Pod.class, FULLNAME + "-test-injection");

        assertThat(testPod.getMetadata().getAnnotations()).containsEntry("helm.sh/hook", "test");
        // `helm test --logs` reads the log after the test: the Pod stays until the next run replaces it.
        assertThat(testPod.getMetadata().getAnnotations())
                .containsEntry("helm.sh/hook-delete-policy", "before-hook-creation");
        assertThat(testPod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(testPod.getSpec().getContainers().get(0).getArgs().get(0))
                .contains("dryRun=All").contains("\"name\": *\"udsproxy\"");
        assertThat(chart.get(Role.class, FULLNAME + "-test-injection").getRules())
                .singleElement().satisfies(rule -> assertThat(rule.getVerbs()).containsExactly("create"));
    }

    @Test
    void operatorSettingsComeFromTheValuesAndNameTheDeploymentThatOwnsRunTimeObjects() {
        Container operator = render().get(Deployment.class, FULLNAME).getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        assertThat(env(operator)).containsEntry("UDSPROXY_LOG_FORMAT", "text")
                .containsEntry("UDSPROXY_OWNER_DEPLOYMENT", FULLNAME);

        Container json = render("--set", "logFormat=json", "--set", "fullnameOverride=uds")
                .get(Deployment.class, "uds").getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(env(json)).containsEntry("UDSPROXY_LOG_FORMAT", "json")
                .as("the Deployment's rendered name").containsEntry("UDSPROXY_OWNER_DEPLOYMENT", "uds");
    }

    @Test
    void securityContextsCanDropTheFixedIdsForOpenShift() {
        PodSpec pod = render("--set", "podSecurityContext.runAsUser=null", "--set", "podSecurityContext.runAsGroup=null",
                "--set", "podSecurityContext.fsGroup=null", "--set", "containerSecurityContext.runAsNonRoot=true")
                .get(Deployment.class, FULLNAME).getSpec().getTemplate().getSpec();

        assertThat(pod.getSecurityContext().getRunAsUser()).isNull();
        assertThat(pod.getSecurityContext().getRunAsGroup()).isNull();
        assertThat(pod.getSecurityContext().getFsGroup()).isNull();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).as("the rest of the default stays").isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        var container = pod.getContainers().get(0).getSecurityContext();
        assertThat(container.getRunAsNonRoot()).isTrue();
        assertThat(container.getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");

        PodSpec defaults = render().get(Deployment.class, FULLNAME).getSpec().getTemplate().getSpec();
        assertThat(defaults.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
        assertThat(defaults.getSecurityContext().getFsGroup()).isEqualTo(65532L);
    }

    @Test
    void commonLabelsAreOnEveryObjectButNeverInASelector() {
        Rendered chart = render("--set", "commonLabels.team=payments", "--set", "metrics.podMonitor.enabled=true",
                "--set", "metrics.serviceMonitor.enabled=true");

        assertThat(chart.all()).hasSizeGreaterThan(10).allSatisfy(object -> assertThat(object.getMetadata()
                .getLabels()).as("%s/%s", object.getKind(), object.getMetadata().getName())
                .containsEntry("team", "payments"));
        Deployment deployment = chart.get(Deployment.class, FULLNAME);
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("team", "payments");
        assertThat(deployment.getSpec().getSelector().getMatchLabels()).doesNotContainKey("team");
        assertThat(chart.get(Service.class, FULLNAME + "-webhook").getSpec().getSelector()).doesNotContainKey("team");
    }

    @Test
    void topologySpreadConstraintsReachTheOperatorPods() {
        PodSpec pod = render("--set-json", "topologySpreadConstraints=[{\"maxSkew\":1,\"topologyKey\":"
                + "\"topology.kubernetes.io/zone\",\"whenUnsatisfiable\":\"ScheduleAnyway\",\"labelSelector\":"
                + "{\"matchLabels\":{\"app.kubernetes.io/instance\":\"uds\"}}}]")
                .get(Deployment.class, FULLNAME).getSpec().getTemplate().getSpec();

        assertThat(pod.getTopologySpreadConstraints()).singleElement().satisfies(c -> {
            assertThat(c.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
            assertThat(c.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
        });
        assertThat(render().get(Deployment.class, FULLNAME).getSpec().getTemplate().getSpec()
                .getTopologySpreadConstraints()).isEmpty();
    }

    @Test
    void disabledRendersNothingForUseAsASubchart() {
        Helm.Result result = helm.template("uds", NAMESPACE, "--set", "enabled=false").requireSuccess();

        assertThat(Rendered.parse(result.stdout()).all()).isEmpty();
    }

    @Test
    void defaultProfileCarriesTheSidecarSettingsAndPullSecrets() {
        GenericKubernetesResource defaults = profile(render());
        assertThat(defaults.get("spec", "adminShutdown").toString()).isEqualTo("loopback");
        assertThat(defaults.get("spec", "logFormat").toString()).isEqualTo("text");
        assertThat(stringMap(defaults.getAdditionalProperties().get("spec"))).doesNotContainKey("imagePullSecrets");

        GenericKubernetesResource custom = profile(render("--set", "defaultProfile.adminShutdown=off",
                "--set", "defaultProfile.logFormat=json", "--set", "defaultProfile.imagePullSecrets[0].name=regcred"));
        assertThat(custom.get("spec", "adminShutdown").toString()).as("a string, not YAML's false").isEqualTo("off");
        assertThat(custom.get("spec", "logFormat").toString()).isEqualTo("json");
        assertThat(custom.get("spec", "imagePullSecrets").toString()).isEqualTo("[{name=regcred}]");
    }

    @Test
    void monitorsAreOffByDefaultAndScrapeTheSidecarAdminPortAndTheOperatorMetrics() {
        assertThat(render().ofKind("PodMonitor")).isEmpty();
        assertThat(render().ofKind("ServiceMonitor")).isEmpty();

        Rendered chart = render("--set", "metrics.podMonitor.enabled=true", "--set", "metrics.serviceMonitor.enabled=true",
                "--set", "metrics.podMonitor.interval=15s", "--set", "metrics.podMonitor.labels.release=prom",
                "--set", "metrics.serviceMonitor.scrapeTimeout=5s");
        GenericKubernetesResource pods = (GenericKubernetesResource) chart.ofKind("PodMonitor").get(0);
        assertThat(pods.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(pods.getMetadata().getLabels()).containsEntry("release", "prom");
        assertThat(pods.get("spec", "namespaceSelector", "any").toString()).isEqualTo("true");
        assertThat(pods.get("spec", "selector", "matchLabels").toString()).isEqualTo("{udsproxy.dev/inject=true}");
        assertThat(pods.get("spec", "podMetricsEndpoints").toString())
                .isEqualTo("[{port=" + SIDECAR_ADMIN_PORT + ", path=/metrics, interval=15s}]");

        GenericKubernetesResource operator = (GenericKubernetesResource) chart.ofKind("ServiceMonitor").get(0);
        Service service = chart.get(Service.class, FULLNAME + "-webhook");
        assertThat(service.getMetadata().getLabels())
                .containsAllEntriesOf(stringMap(operator.get("spec", "selector", "matchLabels")));
        assertThat(operator.get("spec", "namespaceSelector", "matchNames").toString()).isEqualTo("[" + NAMESPACE + "]");
        assertThat(operator.get("spec", "endpoints").toString())
                .isEqualTo("[{port=http-metrics, path=/q/metrics, interval=30s, scrapeTimeout=5s}]");
        // The Service's port http-metrics reaches the container port the operator serves /q/metrics on.
        assertThat(service.getSpec().getPorts()).anySatisfy(port -> {
            assertThat(port.getName()).isEqualTo("http-metrics");
            assertThat(port.getTargetPort().getStrVal()).isEqualTo("http");
        });
    }

    /** SidecarContainerFactory.ADMIN_PORT_NAME, the injected container's admin port (15090 by default). */
    static final String SIDECAR_ADMIN_PORT = "udsproxy-admin";

    @SuppressWarnings("unchecked")
    static Map<String, String> stringMap(Object map) {
        return (Map<String, String>) map;
    }

    static GenericKubernetesResource profile(Rendered chart) {
        return chart.ofKind("SidecarProfile").stream().map(GenericKubernetesResource.class::cast).findFirst()
                .orElseThrow();
    }

    static Map<String, String> env(Container container) {
        return container.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(java.util.stream.Collectors.toMap(e -> e.getName(), e -> e.getValue()));
    }

    static List<String> notIn(List<LabelSelectorRequirement> expressions, String key) {
        return expressions.stream()
                .filter(e -> key.equals(e.getKey()) && "NotIn".equals(e.getOperator()))
                .flatMap(e -> e.getValues().stream()).toList();
    }

    static <T> java.util.stream.Collector<T, ?, T> singleOnly() {
        return java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), list -> {
            assertThat(list).hasSize(1);
            return list.get(0);
        });
    }
}
