package io.prmonitor.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.simulator.SimulatorStats;
import io.prmonitor.spi.RepositoryId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery through {@code /orgs/{org}/repos} is asked conditionally, with the entity tags of the pages the
 * store kept: a warm pass (by a new monitor, as after a restart of the command-line runner) costs no
 * charged request at all, and a repository added to the organization is still found.
 */
class ConditionalDiscoveryTest {

  private static final String TOKEN = "discovery-token-0123456789";

  @TempDir
  Path directory;
  private GitHubSimulator simulator;

  @BeforeEach
  void start() {
    simulator = GitHubSimulator.builder().repositories(8).pullRequestsPerRepository(30).seed(7L).tokens(TOKEN)
        .start();
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  private PRMonitor monitor(String organization) {
    return PRMonitor.builder().config(ProcessorConfig.builder()
        .organization(organization)
        .githubBaseUrl(simulator.baseUrl())
        .githubToken(TOKEN)
        .serverTimeBudget(null, Duration.ofSeconds(60))
        .jdbcUrl(new StoreTarget.H2(directory).jdbcUrl())
        .build()).build();
  }

  @Test
  void warmPassWithOrganizationDiscovery_costsNoChargedRequest_evenAfterARestart() {
    String organization = simulator.repositories().get(0).owner();
    List<RepositoryId> owned = simulator.repositories().stream()
        .filter(r -> r.owner().equals(organization)).toList();
    try (PRMonitor cold = monitor(organization)) {
      RunReport report = cold.run();
      assertThat(report.isComplete()).as(report.toJson()).isTrue();
      assertThat(report.repositories()).isEqualTo(owned.size());
    }
    simulator.resetStats();

    try (PRMonitor restarted = monitor(organization)) {
      RunReport warm = restarted.run();

      SimulatorStats stats = simulator.stats();
      assertThat(warm.isComplete()).as(warm.toJson()).isTrue();
      assertThat(warm.repositories()).isEqualTo(owned.size());
      assertThat(stats.charged()).as("charged requests of the warm pass").isZero();
      assertThat(stats.notModified()).as("discovery page and every first list page: 304")
          .isEqualTo(1 + owned.size());
    }
  }
}
