package dev.udsproxy.controlplane;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority for one test run: it signs the serving certificates of etcd,
 * the API server and webhooks in the test JVM, and the client certificates the API server trusts.
 * EC P-256 keys, because generating RSA keys would cost a noticeable part of the start-up budget.
 */
public final class CertificateAuthority {

    private static final Duration VALIDITY = Duration.ofDays(2);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final IssuedCertificate root;

    private CertificateAuthority(IssuedCertificate root) {
        this.root = root;
    }

    public static CertificateAuthority create(String commonName) {
        KeyPair keys = newKeyPair();
        X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName);
        try {
            X509v3CertificateBuilder builder = builder(name, name, keys)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
            return new CertificateAuthority(new IssuedCertificate(sign(builder, keys), keys));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot create the test CA " + commonName, e);
        }
    }

    public X509Certificate certificate() {
        return root.certificate();
    }

    /** The CA certificate as PEM: the {@code caBundle} of webhooks, the CA of kubeconfigs. */
    public String certificatePem() {
        return root.certificatePem();
    }

    /** A serving certificate for the given DNS names and IP addresses (e.g. "127.0.0.1", "localhost"). */
    public IssuedCertificate issueServer(String commonName, List<String> hosts) {
        return issue(commonName, List.of(), hosts, KeyPurposeId.id_kp_serverAuth);
    }

    /** A client certificate: the API server takes CN as the user name and each O as a group. */
    public IssuedCertificate issueClient(String commonName, List<String> groups) {
        return issue(commonName, groups, List.of(), KeyPurposeId.id_kp_clientAuth);
    }

    private IssuedCertificate issue(String commonName, List<String> groups, List<String> hosts, KeyPurposeId purpose) {
        KeyPair keys = newKeyPair();
        X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
        groups.forEach(group -> subject.addRDN(BCStyle.O, group));
        subject.addRDN(BCStyle.CN, commonName);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(
                    new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonNameOf(root.certificate())),
                    subject, keys)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(root.certificate()));
            if (!hosts.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                        hosts.stream().map(CertificateAuthority::generalName).toArray(GeneralName[]::new)));
            }
            return new IssuedCertificate(sign(builder, root.keyPair()), keys);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + commonName, e);
        }
    }

    private static GeneralName generalName(String host) {
        boolean ip = host.chars().allMatch(c -> Character.isDigit(c) || c == '.') || host.contains(":");
        return new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host);
    }

    private static String commonNameOf(X509Certificate certificate) {
        String dn = certificate.getSubjectX500Principal().getName();
        return dn.startsWith("CN=") ? dn.substring(3).split(",")[0] : dn;
    }

    private static X509v3CertificateBuilder builder(X500NameBuilder issuer, X500NameBuilder subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer.build(), new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
                // Backdated: the API server and etcd must not see a certificate from the future.
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject.build(),
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is missing from this JDK", e);
        }
    }
}
