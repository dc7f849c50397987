package dev.udsproxy.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.udsproxy.operator.certificates.CertificatePlanner.Action;
import dev.udsproxy.operator.certificates.CertificatePlanner.Plan;
import dev.udsproxy.operator.certificates.StoredCertificates;
import dev.udsproxy.operator.injection.GoldenContext;
import dev.udsproxy.operator.testing.TrustBundle;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stopping webhook as the API server sees it: HTTP/1.1 keep-alive connections on a real TLS socket, written
 * by hand so that each test knows exactly which bytes are on which connection when the drain starts.
 */
class WebhookDrainTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Admissions block in the cluster lookup until the test lets them go: a request held in flight. */
    static final class HeldContext extends GoldenContext {
        volatile CountDownLatch entered = new CountDownLatch(0);
        volatile CountDownLatch release = new CountDownLatch(0);

        @Override
        public Map<String, String> namespaceLabels(String namespace) {
            entered.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.namespaceLabels(namespace);
        }

        void hold() {
            entered = new CountDownLatch(1);
            release = new CountDownLatch(1);
        }
    }

    Vertx vertx;
    WebhookServer server;
    StoredCertificates certificates;
    HeldContext context;
    String body;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        certificates = WebhookServerTest.PLANNER.apply(new Plan(Action.NEW_CA, "test"), Optional.empty(), Instant.now());
        context = new HeldContext();
        server = new WebhookServer(vertx, new AdmissionHandler(context), (outcome, nanos) -> { });
        server.start("127.0.0.1", 0, certificates.material());
        body = JSON.writeValueAsString(WebhookServerTest.golden("plain-deployment-pod"));
    }

    @AfterEach
    void stop() {
        context.release.countDown();
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedBetweenRequestsNotCut() throws Exception {
        try (SSLSocket socket = connect()) {
            Answer first = exchange(socket);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.headers()).doesNotContainKey("connection"); // kept alive, as the API server expects

            WebhookServer.Drained drained = server.drain(Duration.ofSeconds(5));

            assertThat(socket.getInputStream().read()).as("the server closed the idle connection cleanly").isEqualTo(-1);
            // The client may read the answer before the server's end-of-answer callback ran: then the drain finds the
            // connection still busy and closes it from that callback. Either way one clean close, none cut.
            assertThat(drained.closedIdle() + drained.answered()).isEqualTo(1);
            assertThat(drained.forced()).isZero();
        }
    }

    @Test
    void anAdmissionInFlightGetsItsWholeAnswerWithConnectionCloseThenTheConnectionCloses() throws Exception {
        try (SSLSocket socket = connect()) {
            context.hold();
            send(socket);
            assertThat(context.entered.await(10, TimeUnit.SECONDS)).as("the admission reached the handler").isTrue();

            CompletableFuture<WebhookServer.Drained> drain = CompletableFuture.supplyAsync(
                    () -> server.drain(Duration.ofSeconds(10)));
            Thread.sleep(200); // the drain is under way while the admission is still in flight
            assertThat(drain).as("the drain waits for the answer in flight").isNotDone();
            context.release.countDown();

            Answer answer = read(socket.getInputStream());
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.headers()).containsEntry("connection", "close");
            assertThat(JSON.readTree(answer.body()).at("/response/allowed").asBoolean()).isTrue();
            assertThat(socket.getInputStream().read()).as("closed after the answer").isEqualTo(-1);
            assertThat(drain.get(10, TimeUnit.SECONDS)).isEqualTo(new WebhookServer.Drained(0, 1, 0));
        }
    }

    @Test
    void aConnectionOpenedDuringTheDrainIsServedOnceWithConnectionClose() throws Exception {
        try (SSLSocket held = connect()) {
            context.hold();
            send(held); // keeps the drain open
            assertThat(context.entered.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<WebhookServer.Drained> drain = CompletableFuture.supplyAsync(
                    () -> server.drain(Duration.ofSeconds(10)));
            Thread.sleep(200);

            // A client whose view of the Service still has this replica (the API server's routing lags).
            CountDownLatch late = context.release;
            context.entered = new CountDownLatch(1);
            context.release = new CountDownLatch(0);
            try (SSLSocket socket = connect()) {
                Answer answer = exchange(socket);
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.headers()).containsEntry("connection", "close");
                assertThat(socket.getInputStream().read()).isEqualTo(-1);
            }
            late.countDown();
            assertThat(read(held.getInputStream()).status()).isEqualTo(200);
            assertThat(drain.get(10, TimeUnit.SECONDS)).isEqualTo(new WebhookServer.Drained(0, 2, 0));
        }
        Assertions.assertThatThrownBy(this::connect).as("the listener is closed once drained")
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void anAdmissionThatOutlivesTheDeadlineIsCutThere() throws Exception {
        try (SSLSocket socket = connect()) {
            context.hold();
            send(socket);
            assertThat(context.entered.await(10, TimeUnit.SECONDS)).isTrue();

            WebhookServer.Drained drained = server.drain(Duration.ofMillis(300));

            assertThat(drained).isEqualTo(new WebhookServer.Drained(0, 0, 1));
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    record Answer(int status, Map<String, String> headers, String body) {
    }

    SSLSocket connect() throws Exception {
        Socket plain = new Socket("127.0.0.1", server.port());
        SSLSocket socket = (SSLSocket) TrustBundle.sslContext(certificates.bundle()).getSocketFactory()
                .createSocket(plain, "localhost", server.port(), true);
        socket.setSoTimeout(15_000);
        socket.startHandshake();
        return socket;
    }

    Answer exchange(SSLSocket socket) throws IOException {
        send(socket);
        return read(socket.getInputStream());
    }

    void send(SSLSocket socket) throws IOException {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + WebhookServer.PATH + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + content.length + "\r\n\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(content);
        socket.getOutputStream().flush();
    }

    /** One HTTP/1.1 answer with a Content-Length body (what Vert.x sends for a finished response). */
    static Answer read(InputStream in) throws IOException {
        String statusLine = line(in);
        assertThat(statusLine).as("an answer, not a closed connection").startsWith("HTTP/1.1 ");
        Map<String, String> headers = new TreeMap<>();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        byte[] content = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        return new Answer(Integer.parseInt(statusLine.split(" ")[1]), headers, new String(content, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        var out = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                return out.toString(StandardCharsets.US_ASCII);
            }
            if (b != '\r') {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
