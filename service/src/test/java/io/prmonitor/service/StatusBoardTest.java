package io.prmonitor.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.RepositoryId;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What /api/status tells after real passes: per repository, the passes, failures and deferrals; budgets; changes. */
class StatusBoardTest {

  static final String TOKEN = "status-board-token-7731";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path directory;

  GitHubSimulator simulator;

  @BeforeEach
  void start() {
    simulator = GitHubSimulator.builder().repositories(3).pullRequestsPerRepository(40).seed(5L).tokens(TOKEN)
        .start();
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  @Test
  void passes_fillTheBoard_failuresAndDeferralsPerRepository() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    StatusBoard board = new StatusBoard(Clock.systemUTC(), registry);
    ProcessorConfig config = ProcessorConfig.builder().repositories(simulator.repositories())
        .repositories("org-9/missing").githubBaseUrl(simulator.baseUrl()).githubToken(TOKEN)
        .serverTimeBudget(null, Duration.ofSeconds(60)).emitOpenedOnBaseline(true).maxConcurrentRepositories(1)
        .jdbcUrl("jdbc:h2:file:" + directory.resolve("board").toAbsolutePath()).build();
    try (PRMonitor monitor = PRMonitor.builder().config(config).meterRegistry(registry).listener(board)
        .progressListener(board).build()) {
      board.attach(monitor);
      RunReport first = monitor.run();
      // the second pass sees a budget below the reserve after its first request and defers the rest
      simulator.setRemaining(TOKEN, 10);
      RunReport second = monitor.run();

      JsonNode status = JSON.readTree(board.toJson());

      assertThat(first.failed()).containsOnlyKeys("org-9/missing");
      assertThat(second.deferred()).isNotEmpty();
      assertThat(status.path("lastReport").path("pass").asInt()).isEqualTo(2);
      assertThat(status.path("pass").path("running").asBoolean()).isFalse();
      assertThat(status.path("health").path("status").asText()).isEqualTo("DEGRADED");
      Map<String, JsonNode> rows = new HashMap<>();
      status.path("repositories").forEach(row -> rows.put(row.path("name").asText(), row));
      assertThat(rows).hasSize(4);
      JsonNode missing = rows.get("org-9/missing");
      assertThat(missing.path("failures").asInt()).isEqualTo(second.failed().containsKey("org-9/missing") ? 2 : 1);
      assertThat(missing.path("lastFailure").asText()).contains("NotFound");
      assertThat(missing.path("lastCompletedAt").isNull()).isTrue();
      int deferrals = 0;
      for (RepositoryId repository : simulator.repositories()) {
        JsonNode row = rows.get(repository.fullName());
        assertThat(row.path("lastCompletedAt").isNull()).isFalse();
        assertThat(row.path("lagSeconds").asLong()).isNotNegative();
        assertThat(row.path("failures").asInt()).isZero();
        deferrals += row.path("deferrals").asInt();
      }
      deferrals += missing.path("deferrals").asInt();
      assertThat(deferrals).isEqualTo(second.deferred().size());
      assertThat(status.path("changes").size()).isEqualTo(StatusBoard.RECENT_CHANGES);
      JsonNode budget = status.path("budget");
      assertThat(budget.size()).as("a sample after each pass").isEqualTo(2);
      JsonNode last = budget.get(1);
      assertThat(last.path("remaining").fieldNames()).toIterable().containsExactly("token:...7731");
      assertThat(last.path("chargedRequests").asLong()).isEqualTo(
          registry.find("prmonitor.github.requests").tag("charged", "true").timers().stream()
              .mapToLong(t -> t.count()).sum());
    }
  }
}
