package dev.udsproxy.operator.webhook;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;
import java.security.GeneralSecurityException;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The webhook's TLS: the JDK's own {@link SSLContext} handed to Netty as it is, instead of Vert.x's default factory
 * (Netty's {@code SslContextBuilder}).
 *
 * <p>Why: the builder's server context class ({@code JdkSslServerContext}) probes, in its static initializer, whether
 * it can read a PEM key through BouncyCastle, and because bcpkix is on our classpath (the certificate code needs it)
 * that probe instantiates the whole BouncyCastle JCE provider: ~650 classes, ~4 MiB of class metadata and symbols that
 * nothing here uses (measured with {@code -XX:LogClassLoadingCauseFor}, bench/README.md). The webhook needs none of
 * what the builder adds: one key manager (ours, which rotates the certificate), no client certificates, no ALPN
 * (the server never enabled it: HTTP/1.1, as before), the JDK's default cipher suites and protocols.
 */
public final class PlainJdkTls extends JdkSSLEngineOptions {

    @Override
    public SslContextFactory sslContextFactory() {
        return new Factory();
    }

    @Override
    public PlainJdkTls copy() {
        return new PlainJdkTls();
    }

    /** One server context from the key manager Vert.x derives from the server's KeyCertOptions. */
    static final class Factory implements SslContextFactory {
        private KeyManagerFactory keyManagers;
        private boolean client;
        private boolean alpn;
        private Set<String> cipherSuites = Set.of();

        @Override
        public SslContextFactory keyMananagerFactory(KeyManagerFactory factory) {
            this.keyManagers = factory;
            return this;
        }

        @Override
        public SslContextFactory forClient(boolean forClient) {
            this.client = forClient;
            return this;
        }

        @Override
        public SslContextFactory useAlpn(boolean useAlpn) {
            this.alpn = useAlpn;
            return this;
        }

        @Override
        public SslContextFactory enabledCipherSuites(Set<String> suites) {
            this.cipherSuites = suites == null ? Set.of() : suites;
            return this;
        }

        @Override
        public SslContext create() throws SSLException {
            if (client || alpn || keyManagers == null) {
                // Only the webhook's server uses these options; a client, ALPN or a server without keys is a wiring
                // mistake, refused rather than served without what was asked.
                throw new SSLException("PlainJdkTls serves a server with a key manager and without ALPN only (client="
                        + client + ", ALPN=" + alpn + ", key manager " + (keyManagers == null ? "missing" : "set") + ")");
            }
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keyManagers.getKeyManagers(), null, null);
                return new JdkSslContext(context, false, cipherSuites.isEmpty() ? null : cipherSuites,
                        IdentityCipherSuiteFilter.INSTANCE, null, ClientAuth.NONE, null, false);
            } catch (GeneralSecurityException e) {
                throw new SSLException("the webhook's TLS context could not be created: " + e.getMessage(), e);
            }
        }
    }
}
