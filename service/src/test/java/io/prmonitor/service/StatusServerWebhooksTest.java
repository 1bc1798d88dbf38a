package io.prmonitor.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.WebhookConfig;
import io.prmonitor.WebhookReceiver;
import io.prmonitor.simulator.GitHubSimulator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /webhooks} on the service's endpoint: served only with webhooks, answered by the receiver. */
class StatusServerWebhooksTest {

  static final String TOKEN = "status-server-token-5512";
  static final String SECRET = "status-server-webhook-secret-0042";

  @TempDir
  Path directory;

  GitHubSimulator simulator;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    simulator = GitHubSimulator.builder().repositories(1).pullRequestsPerRepository(5).seed(7L).tokens(TOKEN)
        .start();
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  PRMonitor monitor(WebhookConfig webhooks, PrometheusMeterRegistry registry) {
    ProcessorConfig config = ProcessorConfig.builder().repositories(simulator.repositories())
        .githubBaseUrl(simulator.baseUrl()).githubToken(TOKEN).serverTimeBudget(null, Duration.ofSeconds(60))
        .jdbcUrl("jdbc:h2:file:" + directory.resolve("server").toAbsolutePath()).build();
    PRMonitor.Builder builder = PRMonitor.builder().config(config).meterRegistry(registry);
    return (webhooks == null ? builder : builder.webhooks(webhooks)).build();
  }

  HttpResponse<String> post(URI uri, String body, String signature) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).header("X-GitHub-Event", "ping")
        .header("X-GitHub-Delivery", "d-" + System.nanoTime()).header("X-Hub-Signature-256", signature)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void withoutWebhooks_postWebhooksIsNotFound() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    StatusBoard board = new StatusBoard(Clock.systemUTC(), registry);
    try (PRMonitor monitor = monitor(null, registry);
        StatusServer server = StatusServer.start(new InetSocketAddress("127.0.0.1", 0), monitor, registry, board)) {
      board.attach(monitor);
      URI base = URI.create("http://127.0.0.1:" + server.address().getPort() + "/");

      assertThat(post(base.resolve("webhooks"), "{}", "sha256=00").statusCode()).isEqualTo(404);
      assertThat(new ObjectMapper().readTree(board.toJson()).has("webhooks")).isFalse();
    }
  }

  @Test
  void withWebhooks_signedPingIs200_forgedIs401_oversizedIs413_andTheBoardCountsThem() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    StatusBoard board = new StatusBoard(Clock.systemUTC(), registry);
    try (PRMonitor monitor = monitor(WebhookConfig.builder().secret(SECRET).build(), registry);
        StatusServer server = StatusServer.start(new InetSocketAddress("127.0.0.1", 0), monitor, registry, board)) {
      board.attach(monitor);
      URI webhooks = URI.create("http://127.0.0.1:" + server.address().getPort() + "/webhooks");
      String body = "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}";

      HttpResponse<String> signed = post(webhooks, body, "sha256=" + hmac(body));
      HttpResponse<String> forged = post(webhooks, body, "sha256=" + "0".repeat(64));
      int oversized = declareOversizedBody(server.address().getPort());
      HttpResponse<String> get = http.send(HttpRequest.newBuilder(webhooks).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
      assertThat(forged.statusCode()).as(forged.body()).isEqualTo(401);
      assertThat(oversized).isEqualTo(413);
      assertThat(get.statusCode()).isEqualTo(405);
      JsonNode status = new ObjectMapper().readTree(board.toJson()).path("webhooks");
      assertThat(status.path("deliveriesLastMinute").asInt()).isEqualTo(1);
      assertThat(status.path("signatureFailures").asInt()).isEqualTo(1);
      assertThat(status.path("lastDelivery").asText()).isNotEmpty();
      assertThat(board.toJson()).doesNotContain(SECRET);
    }
  }

  /** Sends headers declaring a body over the cap, and no body: the answer comes before any byte is read. */
  static int declareOversizedBody(int port) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nX-GitHub-Event: ping\r\nX-GitHub-Delivery: big\r\n"
          + "Content-Length: " + (WebhookReceiver.MAX_PAYLOAD_BYTES + 1L) + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String statusLine = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      return Integer.parseInt(statusLine.substring(9, 12));
    }
  }

  static String hmac(String body) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }
}
