package dev.udsproxy.controlplane;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Renders a kubeconfig with everything embedded, so that kubectl, helm and kind can use it as one file. */
final class Kubeconfig {

    private Kubeconfig() {
    }

    static String render(String server, String caPem, IssuedCertificate user, String userName) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: udsproxy-test
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: %s
                  user:
                    client-certificate-data: %s
                    client-key-data: %s
                contexts:
                - name: udsproxy-test
                  context:
                    cluster: udsproxy-test
                    user: %s
                current-context: udsproxy-test
                """.formatted(server, base64(caPem), userName, base64(user.certificatePem()),
                base64(user.privateKeyPem()), userName);
    }

    static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
    }
}
