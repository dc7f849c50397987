package dev.udsproxy.operator.certificates;

import java.time.Instant;

/**
 * What the webhook server serves and what the API server must trust, as PEM. The caBundle
 * may hold more than one CA while a new CA replaces an old one, so that admissions keep
 * working whichever certificate the API server sees during the switch.
 */
public record ServingMaterial(String certificatePem, String privateKeyPem, String caBundlePem,
        Instant notBefore, Instant notAfter) {
}
