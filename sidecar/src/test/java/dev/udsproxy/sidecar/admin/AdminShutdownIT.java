package dev.udsproxy.sidecar.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.udsproxy.contract.Setting;
import dev.udsproxy.sidecar.testing.RunningSidecar;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /quitquitquit over real loopback sockets: refused when off, accepted from 127.0.0.1 by default. */
class AdminShutdownIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void offRefusesEvenLoopbackAndKeepsServing() throws Exception {
        Map<Setting, String> raw = RunningSidecar.settings(dir);
        raw.put(Setting.ADMIN_SHUTDOWN, "off");
        try (RunningSidecar sidecar = RunningSidecar.start(dir, raw)) {
            HttpResponse<String> quit = post(sidecar);

            assertThat(quit.statusCode()).isEqualTo(403);
            assertThat(quit.body()).isEqualTo("quitquitquit is off (UDSPROXY_ADMIN_SHUTDOWN=off)\n");
            assertThat(sidecar.sidecar.draining()).isFalse();
            assertThat(sidecar.admin("/healthz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void loopbackIsAcceptedByDefault() throws Exception {
        try (RunningSidecar sidecar = RunningSidecar.start(dir, RunningSidecar.settings(dir))) {
            HttpResponse<String> quit = post(sidecar);

            assertThat(quit.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(sidecar.sidecar::draining);
        }
    }

    private static HttpResponse<String> post(RunningSidecar sidecar) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.sidecar.adminAddress().getPort()
                + "/quitquitquit")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
