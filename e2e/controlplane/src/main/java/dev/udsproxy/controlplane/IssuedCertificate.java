package dev.udsproxy.controlplane;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

/** A certificate with its key pair, in the forms the binaries (PEM files) and the JVM (SSLContext) need. */
public record IssuedCertificate(X509Certificate certificate, KeyPair keyPair) {

    public String certificatePem() {
        return pem(certificate);
    }

    /** The private key as PKCS#8 PEM ("PRIVATE KEY"), which Go, etcd and fabric8 all read. */
    public String privateKeyPem() {
        return pem(new PemObject("PRIVATE KEY", keyPair.getPrivate().getEncoded()));
    }

    /** Writes {@code <base>.crt} and {@code <base>.key} into {@code dir} (key readable by the owner only). */
    public Path[] writeTo(Path dir, String base) {
        try {
            Path crt = Files.writeString(dir.resolve(base + ".crt"), certificatePem());
            Path key = Files.writeString(dir.resolve(base + ".key"), privateKeyPem());
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            return new Path[] {crt, key};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + base + " certificate to " + dir, e);
        }
    }

    /** A TLS server context presenting this certificate, e.g. for a webhook in the test JVM. */
    public SSLContext serverSslContext() {
        return sslContext(null);
    }

    /** A TLS client context presenting this certificate and trusting only {@code trusted}. */
    public SSLContext clientSslContext(X509Certificate trusted) {
        return sslContext(trusted);
    }

    private SSLContext sslContext(X509Certificate trusted) {
        try {
            char[] password = "unused".toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("tls", keyPair.getPrivate(), password, new X509Certificate[] {certificate});
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            TrustManagerFactory trust = null;
            if (trusted != null) {
                KeyStore anchors = KeyStore.getInstance("PKCS12");
                anchors.load(null, null);
                anchors.setCertificateEntry("ca", trusted);
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(anchors);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context from " + certificate.getSubjectX500Principal(), e);
        }
    }

    static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            if (object instanceof PemObject raw) {
                writer.writeObject(raw);
            } else {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
