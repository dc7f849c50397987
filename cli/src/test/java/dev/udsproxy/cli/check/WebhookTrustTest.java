package dev.udsproxy.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.operator.certificates.CertificateAuthority;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the API server checks of the webhook's certificate, with certificates the operator's own CA code issues. */
class WebhookTrustTest {
    static final String DNS = "udsproxy-operator-webhook.udsproxy-system.svc";
    final Instant now = Instant.parse("2026-12-01T12:00:00Z");
    final CertificateAuthority ca = CertificateAuthority.create("udsproxy test CA", now, Duration.ofDays(10));
    final CertificateAuthority other = CertificateAuthority.create("another CA", now, Duration.ofDays(10));
    final CertificateAuthority.IssuedCertificate serving = ca.issueServing(List.of(DNS), List.of(), now, Duration.ofDays(1));

    @Test
    void theRightBundleVerifiesTheServingCertificateForTheServiceName() {
        assertThat(WebhookTrust.problem(List.of(serving.certificate()), List.of(ca.certificate()), DNS, date(now)))
                .isNull();
    }

    @Test
    void aBundleOfAnotherCaAWrongNameAndAnExpiredCertificateAreNamed() {
        assertThat(WebhookTrust.problem(List.of(serving.certificate()), List.of(other.certificate()), DNS, date(now)))
                .contains("does not verify the serving certificate").contains("unknown authority");
        assertThat(WebhookTrust.problem(List.of(serving.certificate()), List.of(ca.certificate()),
                "other.udsproxy-system.svc", date(now))).contains("does not name other.udsproxy-system.svc");
        assertThat(WebhookTrust.problem(List.of(serving.certificate()), List.of(ca.certificate()), DNS,
                date(now.plus(Duration.ofDays(2))))).contains("expired");
        assertThat(WebhookTrust.bundle("")).isEmpty();
        assertThat(WebhookTrust.bundle("bm90IGEgY2VydGlmaWNhdGU=")).as("base64 of no PEM").isEmpty();
    }

    private static Date date(Instant instant) {
        return Date.from(instant);
    }
}
