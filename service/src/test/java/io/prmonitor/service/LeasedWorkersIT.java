package io.prmonitor.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.prmonitor.jdbc.JdbcPullRequestStore;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.simulator.SimulatorStats;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.StoreSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three runner processes ({@code java -jar prmonitor.jar}, each with a token of its own) with leases on,
 * against one simulator and one PostgreSQL schema, split the fleet: in each round (one pass of each
 * process) every repository is listed exactly once, by one of them, and afterwards the store equals the
 * simulator's truth; the second round, after changes, records exactly those changes.
 *
 * <p>So that no process can finish a repository before the others have started their pass (the passes
 * must overlap to form one round of the fleet), the simulator holds every request until each of the three
 * tokens has one waiting.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeasedWorkersIT {

  static final int REPOSITORIES = 45;
  static final List<String> TOKENS = List.of("leased-it-token-0001", "leased-it-token-0002", "leased-it-token-0003");
  static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";

  Path directory;
  GitHubSimulator simulator;
  String schema;

  @BeforeAll
  void start(@TempDir Path temporary) {
    directory = temporary;
    schema = ("svc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)).toLowerCase(Locale.ROOT);
    DriverManager.setLoginTimeout(3);
    try (Connection c = DriverManager.getConnection(SERVER, "postgres", null); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("PostgreSQL at " + SERVER + " is required with CI=true but unreachable: " + e.getMessage(), e);
      }
      Assumptions.abort("PostgreSQL at " + SERVER + " is unreachable: " + e.getMessage());
    }
    simulator = GitHubSimulator.builder().repositories(REPOSITORIES).pullRequestsPerRepository(4).seed(1818L)
        .tokens(TOKENS.toArray(String[]::new)).start();
  }

  @AfterAll
  void stop() throws SQLException {
    if (simulator != null) {
      simulator.close();
    }
    if (schema != null) {
      try (Connection c = DriverManager.getConnection(SERVER, "postgres", null); Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } catch (SQLException e) {
        // unreachable at start: nothing was created
      }
    }
  }

  String jdbcUrl() {
    return SERVER + "?currentSchema=" + schema;
  }

  /** One round: the three processes' passes, overlapping; returns each one's report. */
  List<JsonNode> round(int round) throws IOException, InterruptedException {
    Path config = directory.resolve("prmonitor.properties");
    Files.writeString(config, String.join("\n",
        "repos = " + simulator.repositories().stream().map(RepositoryId::fullName).collect(Collectors.joining(",")),
        "base-url = " + simulator.baseUrl(),
        "db = " + jdbcUrl(),
        "db-user = postgres",
        "leases = true",
        "lease-duration = 10s",
        "concurrency = 2",
        "server-time-budget = off",
        ""));
    simulator.resetStats();
    simulator.holdRequests();
    List<ServiceProcess> workers = new ArrayList<>();
    try {
      for (int i = 0; i < TOKENS.size(); i++) {
        workers.add(ServiceProcess.start("worker-" + (i + 1) + "-round-" + round, directory, Map.of(
            "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
            "PRMONITOR_CONFIG", config.toString(),
            "GITHUB_TOKEN", TOKENS.get(i),
            "PRMONITOR_WORKER_ID", "worker-" + (i + 1))));
      }
      boolean allWaiting = simulator.awaitHeldTokens(TOKENS.size(), Duration.ofMinutes(2));
      simulator.releaseRequests();
      assertThat(allWaiting).as("every worker sent a request within two minutes").isTrue();
      List<JsonNode> reports = new ArrayList<>();
      for (ServiceProcess worker : workers) {
        assertThat(worker.awaitExit(Duration.ofMinutes(2))).as(worker.transcript()).isTrue();
        assertThat(worker.process.exitValue()).as(worker.transcript()).isZero();
        String report = worker.out().stream().filter(line -> line.startsWith("{\"pass\":")).findFirst()
            .orElseThrow(() -> new AssertionError("no report\n" + worker.transcript()));
        reports.add(ServiceProcess.JSON.readTree(report));
      }
      System.err.printf("round %d: %s%n", round, reports.stream().map(r -> r.path("repositories").asText()).toList());
      return reports;
    } finally {
      simulator.releaseRequests();
      for (ServiceProcess worker : workers) {
        worker.close();
      }
    }
  }

  @Test
  void threeProcesses_splitTheFleet_everyRepositoryListedOncePerRound_storeEqualsTruth() throws Exception {
    List<JsonNode> cold = round(1);

    assertRound(cold, simulator.stats());
    assertStoreEqualsTruth();

    Map<String, Integer> before = outboxCounts();
    Map<String, Integer> mutations = mutate();
    List<JsonNode> warm = round(2);

    SimulatorStats stats = simulator.stats();
    assertRound(warm, stats);
    assertThat(stats.notModified()).as("free 304s where nothing changed").isEqualTo(REPOSITORIES - mutations.get("repositories"));
    assertStoreEqualsTruth();
    Map<String, Integer> recorded = outboxCounts();
    before.forEach((kind, count) -> recorded.merge(kind, -count, Integer::sum));
    recorded.values().removeIf(count -> count == 0);
    mutations.remove("repositories");
    assertThat(recorded).as("changes recorded in round 2").isEqualTo(mutations);
  }

  /** Every repository taken up by exactly one process, and listed with exactly one request. */
  static void assertRound(List<JsonNode> reports, SimulatorStats stats) {
    int covered = 0;
    int done = 0;
    for (JsonNode report : reports) {
      assertThat(report.path("repositories").asInt()).as("every process took a share: %s", report).isPositive();
      assertThat(report.path("failed").size()).as("%s", report).isZero();
      covered += report.path("repositories").asInt();
      done += report.path("done").asInt();
    }
    assertThat(covered).isEqualTo(REPOSITORIES);
    assertThat(done).isEqualTo(REPOSITORIES);
    assertThat(stats.requests("GET /repos/{owner}/{repo}/pulls")).isEqualTo(REPOSITORIES);
    assertThat(stats.requests()).isEqualTo(REPOSITORIES);
    assertThat(stats.maxRequestsForOneUrl()).as("no repository listed twice").isEqualTo(1);
  }

  /** Retitles pull request #1 of every third repository, closes or reopens #2 of every fifth. */
  Map<String, Integer> mutate() {
    Map<String, Integer> kinds = new HashMap<>();
    java.util.Set<RepositoryId> touched = new java.util.HashSet<>();
    List<RepositoryId> repositories = simulator.repositories();
    for (int i = 0; i < repositories.size(); i += 3) {
      simulator.editTitle(repositories.get(i), 1, "retitled by LeasedWorkersIT " + i);
      touched.add(repositories.get(i));
      kinds.merge("EDITED", 1, Integer::sum);
    }
    for (int i = 1; i < repositories.size(); i += 5) {
      PullRequest pr = simulator.truth(repositories.get(i)).get(1);
      if (pr.state() == PullRequestState.OPEN) {
        simulator.close(repositories.get(i), pr.number());
        kinds.merge("CLOSED", 1, Integer::sum);
      } else if (pr.state() == PullRequestState.CLOSED) {
        simulator.reopen(repositories.get(i), pr.number());
        kinds.merge("REOPENED", 1, Integer::sum);
      } else {
        continue;
      }
      touched.add(repositories.get(i));
    }
    kinds.put("repositories", touched.size());
    return kinds;
  }

  void assertStoreEqualsTruth() {
    try (JdbcPullRequestStore store = JdbcPullRequestStore.create(new StoreSettings(jdbcUrl(), "postgres", null, 2,
        Duration.ofSeconds(30), Map.of()))) {
      for (RepositoryId repository : simulator.repositories()) {
        assertThat(store.allPullRequests(repository)).as("stored pull requests of %s", repository)
            .containsExactlyElementsOf(simulator.truth(repository));
      }
    }
  }

  Map<String, Integer> outboxCounts() throws SQLException {
    Map<String, Integer> counts = new HashMap<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl(), "postgres", null); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT kind, COUNT(*), COUNT(DISTINCT change_key) FROM prmonitor_outbox GROUP BY kind")) {
      while (rs.next()) {
        assertThat(rs.getInt(2)).as("changes of kind %s recorded once each", rs.getString(1)).isEqualTo(rs.getInt(3));
        counts.put(rs.getString(1), rs.getInt(2));
      }
    }
    return counts;
  }
}
