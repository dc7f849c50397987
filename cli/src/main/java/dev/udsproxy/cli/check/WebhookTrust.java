package dev.udsproxy.cli.check;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Pure: does a caBundle verify a serving certificate for the name the API server dials? What the API server checks
 * when it calls the webhook (chain to the bundle, validity, subjectAltName), with the JDK's PKIX validator.
 */
final class WebhookTrust {
    private WebhookTrust() {
    }

    /** The certificates of a caBundle (base64 of PEM, as the field holds it); empty when none can be read. */
    static List<X509Certificate> bundle(String caBundle) {
        if (caBundle == null || caBundle.isBlank()) {
            return List.of();
        }
        try {
            return certificates(new String(Base64.getMimeDecoder().decode(caBundle), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    static List<X509Certificate> certificates(String pem) {
        try {
            Collection<? extends java.security.cert.Certificate> read = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)));
            return read.stream().map(c -> (X509Certificate) c).toList();
        } catch (GeneralSecurityException e) {
            return List.of();
        }
    }

    /** Null when the chain verifies for {@code dnsName} at {@code now}; else why not, in the API server's terms. */
    static String problem(List<X509Certificate> chain, List<X509Certificate> bundle, String dnsName, Date now) {
        if (chain.isEmpty()) {
            return "no certificate to verify";
        }
        if (bundle.isEmpty()) {
            return "the caBundle holds no certificate";
        }
        X509Certificate leaf = chain.get(0);
        if (now.after(leaf.getNotAfter())) {
            return "the serving certificate expired on " + leaf.getNotAfter().toInstant();
        }
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            bundle.forEach(c -> anchors.add(new TrustAnchor(c, null)));
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(now);
            var path = CertificateFactory.getInstance("X.509").generateCertPath(chain.stream()
                    .filter(c -> !bundle.contains(c)).toList());
            CertPathValidator.getInstance("PKIX").validate(path, parameters);
        } catch (GeneralSecurityException e) {
            return "the caBundle does not verify the serving certificate (the API server says \"x509: certificate"
                    + " signed by unknown authority\"): " + e.getMessage();
        }
        if (dnsName != null && !names(leaf).contains(dnsName)) {
            return "the serving certificate does not name " + dnsName + " (it names " + names(leaf) + ")";
        }
        return null;
    }

    private static Set<String> names(X509Certificate certificate) {
        Set<String> names = new HashSet<>();
        try {
            if (certificate.getSubjectAlternativeNames() != null) {
                certificate.getSubjectAlternativeNames().forEach(n -> names.add(String.valueOf(n.get(1))));
            }
        } catch (GeneralSecurityException e) {
            // no readable names: the caller reports that none matches
        }
        return names;
    }
}
