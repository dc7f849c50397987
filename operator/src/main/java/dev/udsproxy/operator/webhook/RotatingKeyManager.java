package dev.udsproxy.operator.webhook;

import dev.udsproxy.operator.certificates.Pem;
import dev.udsproxy.operator.certificates.ServingMaterial;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The serving certificate as the TLS stack asks for it, on every handshake. A rotation
 * replaces the current certificate here; the server itself is never touched (Vert.x 4.5's
 * updateSSLOptions races with connections accepted during the update and can leave the
 * server refusing every handshake). The alias names a generation, so a handshake that
 * chose its alias just before a swap still gets the chain and key of that same certificate.
 */
final class RotatingKeyManager extends X509ExtendedKeyManager {
    private final AtomicInteger generation = new AtomicInteger();
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private volatile String current;

    private record Entry(X509Certificate[] chain, PrivateKey key) {
    }

    RotatingKeyManager(ServingMaterial material) {
        update(material);
    }

    void update(ServingMaterial material) {
        X509Certificate[] chain = Pem.certificates(material.certificatePem()).toArray(X509Certificate[]::new);
        PrivateKey key = Pem.keyPair(material.privateKeyPem(), chain[0]).getPrivate();
        String alias = "webhook-" + generation.incrementAndGet();
        entries.put(alias, new Entry(chain, key));
        String previous = current;
        current = alias;
        // Keep only the previous generation, for handshakes in flight during the swap.
        entries.keySet().removeIf(a -> !a.equals(alias) && !a.equals(previous));
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return matching(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return matching(keyType);
    }

    private String matching(String keyType) {
        String alias = current;
        Entry e = entries.get(alias);
        return e != null && e.key().getAlgorithm().equalsIgnoreCase(keyType) ? alias : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Entry e = entries.get(alias);
        return e == null ? null : e.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Entry e = entries.get(alias);
        return e == null ? null : e.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = matching(keyType);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
