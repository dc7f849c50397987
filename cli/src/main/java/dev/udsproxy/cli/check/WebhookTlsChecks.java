package dev.udsproxy.cli.check;

import dev.udsproxy.cli.check.InstallationChecks.OperatorNames;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Does the caBundle verify what the webhook serves? Checked twice, because the two fail apart: against the Secret the
 * operator serves from (always possible from outside the cluster), and by a TLS handshake with the webhook as the API
 * server calls it (its URL, or a ready endpoint of its Service; often unreachable from a laptop, then a warning).
 */
final class WebhookTlsChecks {
    private final KubernetesClient client;
    private final String namespace;
    private final String deployment;
    private final Consumer<Finding> report;

    WebhookTlsChecks(KubernetesClient client, String namespace, String deployment, Consumer<Finding> report) {
        this.client = client;
        this.namespace = namespace;
        this.deployment = deployment;
        this.report = report;
    }

    /** What the operator serves: the Secret it keeps (or cert-manager fills), checked against the caBundle. */
    void servingCertificate(OperatorNames names, List<X509Certificate> bundle) {
        Secret secret = client.secrets().inNamespace(namespace).withName(names.secret()).get();
        String crt = secret == null || secret.getData() == null ? null : secret.getData().get("tls.crt");
        if (crt == null) {
            report.accept(Finding.fail("Secret " + namespace + "/" + names.secret() + " has no tls.crt: the operator"
                    + " has no serving certificate", "kubectl -n " + namespace + " logs deployment/" + deployment));
            return;
        }
        var chain = WebhookTrust.certificates(new String(Base64.getDecoder().decode(crt), StandardCharsets.UTF_8));
        String problem = WebhookTrust.problem(chain, bundle, serviceDns(names), new Date());
        if (problem != null) {
            report.accept(Finding.fail("Secret " + names.secret() + ": " + problem,
                    "restart the operator (it sets the caBundle from the Secret at start): kubectl -n " + namespace
                            + " rollout restart deployment/" + deployment));
        } else {
            report.accept(Finding.ok("the caBundle verifies the serving certificate in Secret " + names.secret()
                    + " for " + serviceDns(names)));
        }
    }

    /** What the API server gets when it calls: the webhook's URL, or a ready endpoint of its Service. */
    void handshake(MutatingWebhookConfiguration configuration, OperatorNames names,
            List<X509Certificate> bundle, List<EndpointSlice> slices) {
        var clientConfig = configuration.getWebhooks().get(0).getClientConfig();
        String host;
        int port;
        String dnsName;
        if (clientConfig.getUrl() != null) {
            var url = java.net.URI.create(clientConfig.getUrl());
            host = url.getHost();
            port = url.getPort() < 0 ? 443 : url.getPort();
            dnsName = null; // the handshake checks the URL's host itself
        } else {
            var endpoint = slices.stream().flatMap(s -> InstallationChecks.endpointsOf(s).filter(InstallationChecks::ready)
                    .map(e -> Map.entry(e, s))).findFirst();
            if (endpoint.isEmpty()) {
                return;
            }
            host = endpoint.get().getKey().getAddresses().get(0);
            port = Optional.ofNullable(endpoint.get().getValue().getPorts()).orElse(List.of()).stream().filter(p -> "https".equals(p.getName()))
                    .map(p -> p.getPort()).findFirst().orElse(8443);
            dnsName = serviceDns(names);
        }
        var result = TlsProbe.handshake(host, port, bundle, dnsName);
        switch (result) {
            case TlsProbe.Verified v -> report.accept(Finding.ok("TLS to the webhook at " + host + ":" + port
                    + ": the served certificate is verified by the caBundle"));
            case TlsProbe.Untrusted u -> report.accept(Finding.fail("TLS to the webhook at " + host + ":" + port
                    + ": " + u.reason(), "restart the operator: kubectl -n " + namespace
                    + " rollout restart deployment/" + deployment));
            case TlsProbe.Unreachable u -> report.accept(Finding.warn("could not reach the webhook at " + host + ":"
                    + port + " from here (" + u.reason() + "); the Secret's certificate was checked instead",
                    "to check the handshake too, run udsproxy check where the Pod network is reachable (a node, a Pod"
                            + " with a kubeconfig)"));
        }
    }

    private String serviceDns(OperatorNames names) {
        return names.service() + "." + namespace + ".svc";
    }
}
