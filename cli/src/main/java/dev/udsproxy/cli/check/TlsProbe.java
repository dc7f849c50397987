package dev.udsproxy.cli.check;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS handshake with the webhook that trusts only the caBundle, as the API server does: connected, then verified
 * (chain and, with {@code dnsName}, the name the API server dials; else the host itself, by HTTPS rules).
 */
final class TlsProbe {
    private static final int TIMEOUT_MILLIS = 3000;

    sealed interface Result {
    }

    record Verified() implements Result {
    }

    record Untrusted(String reason) implements Result {
    }

    record Unreachable(String reason) implements Result {
    }

    private TlsProbe() {
    }

    static Result handshake(String host, int port, List<X509Certificate> bundle, String dnsName) {
        SSLContext tls;
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            for (int i = 0; i < bundle.size(); i++) {
                trust.setCertificateEntry("ca-" + i, bundle.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            tls = SSLContext.getInstance("TLS");
            tls.init(null, factory.getTrustManagers(), null);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS", e);
        }
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
            try {
                socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            } catch (IOException e) {
                return new Unreachable(e.getMessage());
            }
            socket.setSoTimeout(TIMEOUT_MILLIS);
            var parameters = socket.getSSLParameters();
            if (dnsName == null) {
                // By URL: HTTPS rules, the certificate must name the URL's host.
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            } else {
                // By Service: the API server dials the Service's DNS name, not the endpoint's IP; checked below.
                parameters.setServerNames(List.of(new SNIHostName(dnsName)));
            }
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            if (dnsName != null) {
                var leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
                String problem = WebhookTrust.problem(List.of(leaf), bundle, dnsName, new java.util.Date());
                if (problem != null) {
                    return new Untrusted(problem);
                }
            }
            return new Verified();
        } catch (SSLHandshakeException e) {
            return new Untrusted("the handshake failed: " + e.getMessage());
        } catch (IOException e) {
            return new Unreachable(e.getMessage());
        }
    }
}
