package dev.udsproxy.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;

/**
 * The certificate files of one control plane, all under {@code <work>/pki}: a CA, etcd's serving
 * certificate and the API server's client certificate for it, the API server's serving certificate,
 * an admin client certificate (group system:masters) and the service-account signing key.
 */
final class ControlPlanePki {

    /** Names in the API server's certificate: loopback for us, the in-cluster names for completeness. */
    static final List<String> API_SERVER_HOSTS = List.of("127.0.0.1", "localhost", "10.0.0.1", "kubernetes",
            "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local");

    final CertificateAuthority ca;
    final IssuedCertificate admin;
    final Path dir;
    final Path caCrt;
    final Path[] etcdServing;
    final Path[] etcdClient;
    final Path[] apiServerServing;
    final Path serviceAccountKey;
    final Path serviceAccountPub;

    private ControlPlanePki(Path dir) {
        this.dir = dir;
        this.ca = CertificateAuthority.create("udsproxy-test-ca");
        this.admin = ca.issueClient("udsproxy-test-admin", List.of("system:masters"));
        try {
            this.caCrt = Files.writeString(dir.resolve("ca.crt"), ca.certificatePem());
            this.etcdServing = ca.issueServer("etcd", List.of("127.0.0.1", "localhost")).writeTo(dir, "etcd-server");
            this.etcdClient = ca.issueClient("kube-apiserver-etcd-client", List.of()).writeTo(dir, "etcd-client");
            this.apiServerServing = ca.issueServer("kube-apiserver", API_SERVER_HOSTS).writeTo(dir, "apiserver");
            // The signing key is a bare key pair, not a certificate; the API server and the
            // controller manager read PKCS#8 private and X.509 public keys in PEM.
            KeyPair sa = CertificateAuthority.newKeyPair();
            this.serviceAccountKey = Files.writeString(dir.resolve("sa.key"),
                    IssuedCertificate.pem(new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY",
                            sa.getPrivate().getEncoded())));
            this.serviceAccountPub = Files.writeString(dir.resolve("sa.pub"),
                    IssuedCertificate.pem(new org.bouncycastle.util.io.pem.PemObject("PUBLIC KEY",
                            sa.getPublic().getEncoded())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write certificates to " + dir, e);
        }
    }

    static ControlPlanePki create(Path workDir) {
        try {
            return new ControlPlanePki(Files.createDirectories(workDir.resolve("pki")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + workDir.resolve("pki"), e);
        }
    }
}
