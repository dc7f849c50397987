package dev.udsproxy.operator.testing;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A TLS context that trusts only the given CA bundle, as the API server does with a webhook's caBundle. */
public final class TrustBundle {

    private TrustBundle() {
    }

    public static SSLContext sslContext(List<X509Certificate> bundle) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < bundle.size(); i++) {
            trust.setCertificateEntry("ca" + i, bundle.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }
}
