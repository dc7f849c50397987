package dev.udsproxy.operator.certificates;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The webhook's certificates as kept in the Secret: the CA (with its key, so any replica can
 * issue), the serving pair, and the bundle the API server trusts.
 */
public record StoredCertificates(CertificateAuthority ca, X509Certificate serving, String servingPem,
        String servingKeyPem, List<X509Certificate> bundle) {
    public static final String CA_CRT = "ca.crt";
    public static final String CA_KEY = "ca.key";
    public static final String TLS_CRT = "tls.crt";
    public static final String TLS_KEY = "tls.key";
    public static final String BUNDLE = "ca-bundle.crt";

    /** Empty when the Secret is missing, incomplete or unreadable: the planner then starts over. */
    public static Optional<StoredCertificates> fromSecretData(Map<String, String> base64Data) {
        if (base64Data == null || !base64Data.keySet().containsAll(List.of(CA_CRT, CA_KEY, TLS_CRT, TLS_KEY))) {
            return Optional.empty();
        }
        try {
            X509Certificate caCert = Pem.certificates(decode(base64Data.get(CA_CRT))).get(0);
            var ca = new CertificateAuthority(caCert, Pem.keyPair(decode(base64Data.get(CA_KEY)), caCert));
            String servingPem = decode(base64Data.get(TLS_CRT));
            X509Certificate serving = Pem.certificates(servingPem).get(0);
            String keyPem = decode(base64Data.get(TLS_KEY));
            Pem.keyPair(keyPem, serving);
            List<X509Certificate> bundle = base64Data.containsKey(BUNDLE)
                    ? Pem.certificates(decode(base64Data.get(BUNDLE))) : List.of(caCert);
            return Optional.of(new StoredCertificates(ca, serving, servingPem, keyPem, bundle));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    public Map<String, String> toSecretData() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put(CA_CRT, encode(Pem.encode(ca.certificate())));
        data.put(CA_KEY, encode(Pem.encode(ca.keyPair().getPrivate())));
        data.put(TLS_CRT, encode(servingPem));
        data.put(TLS_KEY, encode(servingKeyPem));
        data.put(BUNDLE, encode(bundlePem()));
        return data;
    }

    public String bundlePem() {
        StringBuilder pem = new StringBuilder();
        bundle.forEach(c -> pem.append(Pem.encode(c)));
        return pem.toString();
    }

    public ServingMaterial material() {
        return new ServingMaterial(servingPem, servingKeyPem, bundlePem(), serving.getNotBefore().toInstant(),
                serving.getNotAfter().toInstant());
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    private static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
