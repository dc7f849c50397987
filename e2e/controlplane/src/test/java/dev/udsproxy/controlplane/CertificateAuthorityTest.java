package dev.udsproxy.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

    private final CertificateAuthority ca = CertificateAuthority.create("test-ca");

    @Test
    void serverCertificateIsSignedByTheCaAndNamesItsHosts() throws Exception {
        X509Certificate server = ca.issueServer("webhook", List.of("127.0.0.1", "localhost")).certificate();

        server.verify(ca.certificate().getPublicKey());
        assertThat(server.getSubjectAlternativeNames())
                .extracting(entry -> String.valueOf(entry.get(1)))
                .containsExactlyInAnyOrder("127.0.0.1", "localhost");
        assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    }

    @Test
    void clientCertificateCarriesUserAndGroups() throws Exception {
        X509Certificate client = ca.issueClient("alice", List.of("system:masters")).certificate();

        client.verify(ca.certificate().getPublicKey());
        assertThat(client.getSubjectX500Principal().getName()).isEqualTo("CN=alice,O=system:masters");
        assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    }

    @Test
    void pemFormsAreWhatGoReads() {
        IssuedCertificate issued = ca.issueServer("x", List.of("localhost"));

        assertThat(issued.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(issued.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(ca.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void tlsHandshakeOnLoopbackVerifiesHostAndChain() throws Exception {
        IssuedCertificate server = ca.issueServer("server", List.of("127.0.0.1"));
        IssuedCertificate client = ca.issueClient("client", List.of());

        assertThat(echoOverTls(server.serverSslContext(), client.clientSslContext(ca.certificate()))).isEqualTo(42);
    }

    @Test
    void clientTrustingAnotherCaRefusesTheServer() {
        IssuedCertificate server = ca.issueServer("server", List.of("127.0.0.1"));
        CertificateAuthority other = CertificateAuthority.create("other-ca");
        IssuedCertificate client = other.issueClient("client", List.of());

        assertThatThrownBy(() -> echoOverTls(server.serverSslContext(), client.clientSslContext(other.certificate())))
                .isInstanceOf(SSLHandshakeException.class);
    }

    /** Sends one byte through a real TLS connection on loopback, checking the host name as HTTPS does. */
    private static int echoOverTls(SSLContext serverTls, SSLContext clientTls) throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) serverTls.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                    InputStream in = accepted.getInputStream();
                    OutputStream out = accepted.getOutputStream();
                    out.write(in.read());
                    out.flush();
                } catch (IOException e) {
                    // the client side reports the handshake failure
                }
            });
            try (SSLSocket socket = (SSLSocket) clientTls.getSocketFactory()
                    .createSocket("127.0.0.1", listener.getLocalPort())) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.getOutputStream().write(42);
                socket.getOutputStream().flush();
                return socket.getInputStream().read();
            } finally {
                served.join();
            }
        }
    }
}
