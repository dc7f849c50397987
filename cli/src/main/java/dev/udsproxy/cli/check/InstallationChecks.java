package dev.udsproxy.cli.check;

import dev.udsproxy.operator.customresource.SidecarProfile;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The installation as the API server needs it to inject: the CRD, the operator's Deployment, the webhook
 * configuration and its caBundle, the Service's endpoints, then {@link WebhookTlsChecks}. The names come from the operator Deployment's env (the chart sets them there), so this class
 * knows only the Deployment's name and namespace.
 */
final class InstallationChecks {
    static final String CRD = HasMetadata.getPlural(SidecarProfile.class) + "." + HasMetadata.getGroup(SidecarProfile.class);

    /** What the operator serves under, read from its Deployment; null until the Deployment was found. */
    record OperatorNames(String namespace, String configuration, String service, String secret,
            Set<String> excludedNamespaces) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String deployment;
    private final Consumer<Finding> report;

    InstallationChecks(KubernetesClient client, String namespace, String deployment, Consumer<Finding> report) {
        this.client = client;
        this.namespace = namespace;
        this.deployment = deployment;
        this.report = report;
    }

    /** Runs every check; the operator's names for the namespace and Pod checks, or null when it is not installed. */
    OperatorNames run() {
        step("CRD " + CRD, () -> {
            crd();
            return null;
        });
        OperatorNames names = step("Deployment " + namespace + "/" + deployment, this::operator);
        if (names == null) {
            return null;
        }
        var configuration = step("MutatingWebhookConfiguration " + names.configuration(), () -> {
            var found = client.admissionRegistration().v1().mutatingWebhookConfigurations()
                    .withName(names.configuration()).get();
            if (found == null) {
                report.accept(Finding.fail("MutatingWebhookConfiguration " + names.configuration() + " is missing: no"
                        + " Pod is sent to the webhook", "helm upgrade --install the operator chart again"));
            }
            return found;
        });
        List<X509Certificate> bundle = configuration == null ? List.of() : caBundle(configuration);
        List<EndpointSlice> slices = step("Service " + namespace + "/" + names.service() + " and its EndpointSlices",
                () -> endpoints(names));
        if (!bundle.isEmpty()) {
            var tls = new WebhookTlsChecks(client, namespace, deployment, report);
            step("Secret " + namespace + "/" + names.secret(), () -> {
                tls.servingCertificate(names, bundle);
                return null;
            });
            tls.handshake(configuration, names, bundle, slices == null ? List.of() : slices);
        }
        return names;
    }

    /**
     * One check whose reads may be refused: the operator's own ServiceAccount, for one, may not read CRDs or
     * Services. A refusal is a warning that names what could not be read, and the other checks still run.
     */
    private <T> T step(String what, java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (e.getCode() == 403) {
                report.accept(Finding.warn("not checked: this user may not read " + what,
                        "run udsproxy check as a user who may (kubectl auth can-i --list)"));
            } else {
                report.accept(Finding.fail("reading " + what + " failed: " + e.getMessage(),
                        "check the connection to the API server (kubectl cluster-info)"));
            }
            return null;
        }
    }

    private void crd() {
        var crd = client.apiextensions().v1().customResourceDefinitions().withName(CRD).get();
        String version = HasMetadata.getVersion(SidecarProfile.class);
        if (crd == null) {
            report.accept(Finding.fail("CRD " + CRD + " is not installed",
                    "helm install udsproxy-crds charts/udsproxy-crds -n " + namespace + " --create-namespace"));
            return;
        }
        boolean served = crd.getSpec().getVersions().stream().anyMatch(v -> v.getName().equals(version) && v.getServed());
        boolean established = crd.getStatus() != null && crd.getStatus().getConditions().stream()
                .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
        if (!served || !established) {
            report.accept(Finding.fail("CRD " + CRD + " does not serve " + version + (established ? "" : " (not Established)"),
                    "helm upgrade udsproxy-crds charts/udsproxy-crds -n " + namespace + " (this CLI needs " + version + ")"));
            return;
        }
        report.accept(Finding.ok("CRD " + CRD + " installed, " + version + " served"));
        if (client.resources(SidecarProfile.class).withName(SidecarProfile.DEFAULT_NAME).get() == null) {
            report.accept(Finding.warn("no SidecarProfile " + SidecarProfile.DEFAULT_NAME + ": Pods that name none get"
                    + " the built-in defaults", "helm upgrade the operator chart with defaultProfile.create=true"));
        }
    }

    private OperatorNames operator() {
        Deployment found = client.apps().deployments().inNamespace(namespace).withName(deployment).get();
        if (found == null) {
            report.accept(Finding.fail("operator Deployment " + namespace + "/" + deployment + " not found",
                    "helm install " + deployment + " charts/udsproxy-operator -n " + namespace
                            + " (or pass --operator-namespace and --operator-deployment)"));
            return null;
        }
        var status = found.getStatus();
        int ready = status == null || status.getReadyReplicas() == null ? 0 : status.getReadyReplicas();
        int wanted = Optional.ofNullable(found.getSpec().getReplicas()).orElse(1);
        if (ready == 0) {
            report.accept(Finding.fail("operator Deployment " + namespace + "/" + deployment + " has no ready replica"
                    + " (0/" + wanted + "): opted-in Pods are refused or start without the sidecar",
                    "kubectl -n " + namespace + " describe deployment " + deployment + "; kubectl -n " + namespace
                            + " logs deployment/" + deployment));
        } else if (ready < wanted) {
            report.accept(Finding.warn("operator Deployment " + namespace + "/" + deployment + ": " + ready + "/"
                    + wanted + " replicas ready", "kubectl -n " + namespace + " describe deployment " + deployment));
        } else {
            report.accept(Finding.ok("operator Deployment " + namespace + "/" + deployment + " ready (" + ready + "/"
                    + wanted + ")"));
        }
        Map<String, String> env = new java.util.HashMap<>();
        for (EnvVar e : found.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
            if (e.getValue() != null) {
                env.put(e.getName(), e.getValue());
            }
        }
        String configuration = env.get("UDSPROXY_WEBHOOK_CONFIGURATION_NAME");
        String service = env.get("UDSPROXY_WEBHOOK_SERVICE_NAME");
        String secret = env.get("UDSPROXY_WEBHOOK_SECRET_NAME");
        if (configuration == null || service == null || secret == null) {
            report.accept(Finding.fail("operator Deployment " + deployment + " does not name its webhook objects"
                    + " (UDSPROXY_WEBHOOK_CONFIGURATION_NAME, _SERVICE_NAME, _SECRET_NAME)",
                    "install the operator with its chart, charts/udsproxy-operator"));
            return null;
        }
        Set<String> excluded = new TreeSet<>(Set.of(namespace));
        for (String n : env.getOrDefault("UDSPROXY_EXCLUDED_NAMESPACES", "").split(",")) {
            if (!n.isBlank()) {
                excluded.add(n.strip());
            }
        }
        return new OperatorNames(namespace, configuration, service, secret, excluded);
    }

    private List<X509Certificate> caBundle(MutatingWebhookConfiguration configuration) {
        String name = "MutatingWebhookConfiguration " + configuration.getMetadata().getName();
        List<X509Certificate> first = null;
        for (MutatingWebhook webhook : configuration.getWebhooks()) {
            var bundle = WebhookTrust.bundle(webhook.getClientConfig().getCaBundle());
            if (bundle.isEmpty()) {
                report.accept(Finding.fail(name + ": webhook " + webhook.getName() + " has no caBundle (or none that"
                        + " reads as PEM): the API server cannot trust the webhook, and opted-in Pods are refused or"
                        + " start without the sidecar",
                        "the operator writes it at start: kubectl -n " + namespace + " logs deployment/" + deployment
                                + " (with webhook.certificate.provider=cert-manager, cert-manager's cainjector does)"));
                return List.of();
            }
            first = first == null ? bundle : first;
        }
        report.accept(Finding.ok(name + " present, " + configuration.getWebhooks().size() + " webhooks with a caBundle"));
        return first == null ? List.of() : first;
    }

    private List<EndpointSlice> endpoints(OperatorNames names) {
        if (client.services().inNamespace(namespace).withName(names.service()).get() == null) {
            report.accept(Finding.fail("Service " + namespace + "/" + names.service() + " is missing: the API server"
                    + " has nowhere to send Pods", "helm upgrade --install the operator chart again"));
            return List.of();
        }
        List<EndpointSlice> slices = client.discovery().v1().endpointSlices().inNamespace(namespace)
                .withLabel("kubernetes.io/service-name", names.service()).list().getItems();
        long ready = slices.stream().flatMap(InstallationChecks::endpointsOf).filter(InstallationChecks::ready).count();
        if (ready == 0) {
            report.accept(Finding.fail("Service " + namespace + "/" + names.service() + " has no ready endpoint: the"
                    + " webhook cannot be called", "the operator Pods must be Ready and match the Service's selector:"
                    + " kubectl -n " + namespace + " get pods,endpointslices"));
        } else {
            report.accept(Finding.ok("Service " + namespace + "/" + names.service() + " has " + ready
                    + " ready endpoint" + (ready == 1 ? "" : "s")));
        }
        return slices;
    }

    /** An EndpointSlice with no endpoint comes without the list. */
    static java.util.stream.Stream<Endpoint> endpointsOf(EndpointSlice slice) {
        return Optional.ofNullable(slice.getEndpoints()).orElse(List.of()).stream();
    }

    static boolean ready(Endpoint endpoint) {
        return endpoint.getConditions() == null || !Boolean.FALSE.equals(endpoint.getConditions().getReady());
    }
}
