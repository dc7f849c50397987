package dev.udsproxy.cli.check;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * fabric8 takes the algorithm of a kubeconfig's client key from its PEM header, and a PKCS#8 key ("BEGIN PRIVATE
 * KEY") says none, so it is read as RSA: an EC key then fails with "Invalid DER: object is not integer". The key's
 * own algorithm identifier says which it is.
 */
final class ClientKeyAlgorithm {
    private ClientKeyAlgorithm() {
    }

    static void fix(Config config) {
        String pem = pem(config);
        if (pem == null || !pem.contains("-----BEGIN PRIVATE KEY-----")) {
            return;
        }
        String body = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"));
        try {
            var info = PrivateKeyInfo.getInstance(Base64.getMimeDecoder().decode(body));
            if (X9ObjectIdentifiers.id_ecPublicKey.equals(info.getPrivateKeyAlgorithm().getAlgorithm())) {
                config.setClientKeyAlgo("EC");
            }
        } catch (IllegalArgumentException e) {
            // not readable here either: fabric8 reports it as it would
        }
    }

    private static String pem(Config config) {
        if (config.getClientKeyData() != null) {
            return new String(Base64.getMimeDecoder().decode(config.getClientKeyData()), StandardCharsets.UTF_8);
        }
        if (config.getClientKeyFile() != null) {
            try {
                return Files.readString(Path.of(config.getClientKeyFile()));
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }
}
