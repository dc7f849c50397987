package dev.udsproxy.operator.certificates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.operator.certificates.CertificatePlanner.Action;
import dev.udsproxy.operator.certificates.CertificatePlanner.Plan;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CertificatePlannerTest {
    static final List<String> DNS = List.of("udsproxy-operator-webhook.udsproxy-system.svc");
    static final CertificatePlanner PLANNER = new CertificatePlanner(new CertificatePlanner.Settings(DNS, List.of(),
            Duration.ofDays(300), Duration.ofDays(30)));
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void emptySecretStartsACa() {
        assertThat(PLANNER.plan(Optional.empty(), NOW).action()).isEqualTo(Action.NEW_CA);
    }

    @Test
    void freshCertificatesAreKeptUntilAThirdOfTheirLifeIsLeft() {
        var stored = Optional.of(PLANNER.apply(new Plan(Action.NEW_CA, "test"), Optional.empty(), NOW));

        assertThat(PLANNER.plan(stored, NOW.plus(Duration.ofDays(19))).action()).isEqualTo(Action.KEEP);
        assertThat(PLANNER.plan(stored, NOW.plus(Duration.ofDays(21))).action()).isEqualTo(Action.ISSUE_SERVING);
    }

    @Test
    void renewedServingCertificateComesFromTheSameCaAndTheSecretRoundTrips() {
        var first = PLANNER.apply(new Plan(Action.NEW_CA, "test"), Optional.empty(), NOW);
        var renewed = PLANNER.apply(new Plan(Action.ISSUE_SERVING, "test"), Optional.of(first), NOW.plus(Duration.ofDays(21)));

        assertThat(renewed.ca().certificate()).isEqualTo(first.ca().certificate());
        assertThat(renewed.serving().getSerialNumber()).isNotEqualTo(first.serving().getSerialNumber());
        var readBack = StoredCertificates.fromSecretData(renewed.toSecretData()).orElseThrow();
        assertThat(readBack.serving()).isEqualTo(renewed.serving());
        assertThat(PLANNER.plan(Optional.of(readBack), NOW.plus(Duration.ofDays(22))).action()).isEqualTo(Action.KEEP);
    }

    @Test
    void newCaJoinsTheBundleBesideTheOldOneSoBothAreTrustedDuringTheSwitch() {
        var first = PLANNER.apply(new Plan(Action.NEW_CA, "test"), Optional.empty(), NOW);
        Instant late = NOW.plus(Duration.ofDays(201));
        assertThat(PLANNER.plan(Optional.of(first), late).action()).isEqualTo(Action.NEW_CA);

        var next = PLANNER.apply(new Plan(Action.NEW_CA, "test"), Optional.of(first), late);

        assertThat(next.bundle()).containsExactly(next.ca().certificate(), first.ca().certificate());
    }

    @Test
    void missingNameTriggersANewServingCertificate() {
        var stored = PLANNER.apply(new Plan(Action.NEW_CA, "test"), Optional.empty(), NOW);
        var wider = new CertificatePlanner(new CertificatePlanner.Settings(List.of(DNS.get(0), "localhost"),
                List.of("127.0.0.1"), Duration.ofDays(300), Duration.ofDays(30)));

        Plan plan = wider.plan(Optional.of(stored), NOW);

        assertThat(plan.action()).isEqualTo(Action.ISSUE_SERVING);
        assertThat(plan.reason()).contains("localhost").contains("127.0.0.1");
    }

    @Test
    void unreadableSecretStartsOver() {
        assertThat(StoredCertificates.fromSecretData(java.util.Map.of("ca.crt", "bm9wZQ==", "ca.key", "bm9wZQ==",
                "tls.crt", "bm9wZQ==", "tls.key", "bm9wZQ=="))).isEmpty();
    }
}
