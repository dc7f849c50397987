package dev.udsproxy.controlplane;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Waits for {@code /readyz} of the API server over verified TLS with a client certificate, while
 * watching the processes: if etcd or the API server exits, it fails at once with their log.
 */
final class ApiServerProbe {

    private final HttpClient http;
    private final URI readyz;

    ApiServerProbe(String apiServerUrl, SSLContext tls) {
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(1)).build();
        this.readyz = URI.create(apiServerUrl + "/readyz");
    }

    void awaitReady(Duration timeout, List<ManagedProcess> watched) {
        Instant deadline = Instant.now().plus(timeout);
        String last = "no answer yet";
        while (Instant.now().isBefore(deadline)) {
            watched.forEach(ManagedProcess::requireAlive);
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(readyz).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + response.statusCode() + ": " + response.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + readyz, e);
            }
            sleep(100);
        }
        StringBuilder logs = new StringBuilder();
        watched.forEach(p -> logs.append("\n--- ").append(p.name()).append(" ---\n").append(p.logTail(20)));
        throw new IllegalStateException(readyz + " not ready after " + timeout + "; last: " + last + logs);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
