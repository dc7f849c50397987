package dev.udsproxy.operator.certificates;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Pure: given what the Secret holds and the time, keep it, issue a new serving certificate
 * from the same CA, or start a new CA. Renewal happens once a third of the lifetime is
 * left, so there is always time for a retry before anything expires.
 */
public final class CertificatePlanner {

    public enum Action { KEEP, ISSUE_SERVING, NEW_CA }

    public record Plan(Action action, String reason) {
    }

    public record Settings(List<String> dnsNames, List<String> ipAddresses, Duration caValidity,
            Duration servingValidity) {
    }

    private final Settings settings;

    public CertificatePlanner(Settings settings) {
        this.settings = settings;
    }

    public Plan plan(Optional<StoredCertificates> stored, Instant now) {
        if (stored.isEmpty()) {
            return new Plan(Action.NEW_CA, "no readable certificates in the Secret");
        }
        StoredCertificates s = stored.get();
        if (nearEnd(s.ca().certificate(), settings.caValidity(), now)) {
            return new Plan(Action.NEW_CA, "the CA expires at " + s.ca().certificate().getNotAfter().toInstant());
        }
        if (!s.serving().getIssuerX500Principal().equals(s.ca().certificate().getSubjectX500Principal())) {
            return new Plan(Action.ISSUE_SERVING, "the serving certificate is not from the current CA");
        }
        if (nearEnd(s.serving(), settings.servingValidity(), now)) {
            return new Plan(Action.ISSUE_SERVING,
                    "the serving certificate expires at " + s.serving().getNotAfter().toInstant());
        }
        Set<String> missing = new HashSet<>(settings.dnsNames());
        missing.addAll(settings.ipAddresses());
        missing.removeAll(subjectAltNames(s.serving()));
        if (!missing.isEmpty()) {
            return new Plan(Action.ISSUE_SERVING, "the serving certificate does not cover " + missing);
        }
        return new Plan(Action.KEEP, "valid until " + s.serving().getNotAfter().toInstant());
    }

    /** A new CA joins the bundle beside the old ones that are still valid, never replacing them at once. */
    public StoredCertificates apply(Plan plan, Optional<StoredCertificates> stored, Instant now) {
        CertificateAuthority ca = plan.action() == Action.NEW_CA
                ? CertificateAuthority.create("udsproxy-webhook-ca", now, settings.caValidity())
                : stored.orElseThrow().ca();
        var serving = ca.issueServing(settings.dnsNames(), settings.ipAddresses(), now, settings.servingValidity());
        List<X509Certificate> bundle = new ArrayList<>();
        bundle.add(ca.certificate());
        stored.ifPresent(s -> s.bundle().stream()
                .filter(c -> c.getNotAfter().toInstant().isAfter(now))
                .filter(c -> !c.equals(ca.certificate()))
                .forEach(bundle::add));
        return new StoredCertificates(ca, serving.certificate(), Pem.encode(serving.certificate()),
                Pem.encode(serving.keyPair().getPrivate()), List.copyOf(bundle));
    }

    private static boolean nearEnd(X509Certificate certificate, Duration validity, Instant now) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        Duration lifetime = Duration.between(certificate.getNotBefore().toInstant(), notAfter);
        Duration left = Duration.between(now, notAfter);
        return left.compareTo(min(lifetime, validity).dividedBy(3)) < 0;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    private static Set<String> subjectAltNames(X509Certificate certificate) {
        Set<String> names = new HashSet<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                sans.forEach(san -> names.add(String.valueOf(san.get(1))));
            }
        } catch (CertificateParsingException e) {
            return Set.of();
        }
        return names;
    }
}
