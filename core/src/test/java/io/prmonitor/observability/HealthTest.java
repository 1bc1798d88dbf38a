package io.prmonitor.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prmonitor.Health;
import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.simulator.Fault;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.testing.MutableClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Health goes UP, DEGRADED (budget low; repositories failing), DOWN (store unreachable) and back to UP. */
class HealthTest {

  private static final String TOKEN = "health-token-00005678";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
  private final SwitchableStore store = new SwitchableStore();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private GitHubSimulator simulator;
  private PRMonitor monitor;

  @BeforeEach
  void start() {
    simulator = GitHubSimulator.builder().repositories(2).pullRequestsPerRepository(120).seed(5L).tokens(TOKEN)
        .clock(clock).start();
    monitor = PRMonitor.builder()
        .config(ProcessorConfig.builder().repositories(simulator.repositories())
            .githubBaseUrl(simulator.baseUrl()).githubToken(TOKEN).retryBackoffFactor(1.0)
            .serverTimeBudget(null, Duration.ofSeconds(60)).build())
        .store(store).clock(clock).meterRegistry(registry)
        .httpEndpoint(new InetSocketAddress("127.0.0.1", 0)).build();
  }

  @AfterEach
  void stop() {
    monitor.close();
    simulator.close();
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    InetSocketAddress address = monitor.httpAddress().orElseThrow();
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void health_movesThroughEveryStatus_andBackToUp() {
    assertThat(monitor.health().status()).as("before any pass").isEqualTo(Health.Status.UP);

    monitor.run();
    assertThat(monitor.health().status()).isEqualTo(Health.Status.UP);

    simulator.setRemaining(TOKEN, 200);
    monitor.run();
    Health budgetLow = monitor.health();
    assertThat(budgetLow.status()).isEqualTo(Health.Status.DEGRADED);
    assertThat(budgetLow.checks()).containsEntry("github", Health.Status.DEGRADED);
    assertThat(budgetLow.details().get("github")).contains("budget low").contains("token:...5678")
        .doesNotContain(TOKEN);

    clock.advance(Duration.ofHours(1).plusMinutes(1));
    monitor.run();
    assertThat(monitor.health().status()).as("after the rate-limit window reset").isEqualTo(Health.Status.UP);

    simulator.faults().failNext(Fault.SERVER_ERROR, 100);
    simulator.editTitle(simulator.repositories().get(0), simulator.truth(simulator.repositories().get(0)).get(0)
        .number(), "make page 1 change");
    monitor.run();
    Health failing = monitor.health();
    assertThat(failing.status()).isEqualTo(Health.Status.DEGRADED);
    assertThat(failing.checks()).containsEntry("repositories", Health.Status.DEGRADED);
    simulator.faults().clear();

    store.reachable(false);
    assertThat(monitor.health().status()).isEqualTo(Health.Status.DOWN);
    assertThat(monitor.health().details().get("store")).contains("unreachable");
    RunReport unreachable = monitor.run();
    assertThat(unreachable.failed()).hasSize(2).allSatisfy((repository, reason) ->
        assertThat(reason).contains("StoreException"));

    store.reachable(true);
    monitor.run();
    assertThat(monitor.health().status()).isEqualTo(Health.Status.UP);
  }

  @Test
  void httpEndpoint_servesHealthAsJson_503WhenDown_andPrometheusMetrics() throws Exception {
    monitor.run();

    HttpResponse<String> up = get("/health");
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(up.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(up.body()).startsWith("{\"status\":\"UP\"").contains("\"store\":{\"status\":\"UP\"");

    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("prmonitor_pass_duration_seconds_count{monitor=\"prmonitor\"} 1")
        .contains("prmonitor_github_requests_seconds_count");

    store.reachable(false);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      HttpResponse<String> down = get("/health");
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body()).startsWith("{\"status\":\"DOWN\"");
    });

    assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
  }
}
