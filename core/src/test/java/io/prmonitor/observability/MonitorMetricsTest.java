package io.prmonitor.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.core.metrics.MonitorMetrics;
import io.prmonitor.core.store.InMemoryPullRequestStore;
import io.prmonitor.github.HttpGitHubClient;
import io.prmonitor.simulator.Fault;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.GitHubClientSettings;
import io.prmonitor.spi.GitHubCredentials;
import io.prmonitor.spi.RepositoryId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every metric the monitor documents is recorded, with its tags, after passes against the simulator. */
class MonitorMetricsTest {

  private static final String TOKEN = "metrics-token-00001234";
  private static final String PULLS = "/repos/{owner}/{repo}/pulls";

  private GitHubSimulator simulator;
  private final MeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void start() {
    simulator = GitHubSimulator.builder().repositories(3).pullRequestsPerRepository(150).seed(11L).tokens(TOKEN)
        .secondaryRetryAfter(Duration.ofSeconds(1)).start();
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  private ProcessorConfig.Builder config() {
    List<RepositoryId> repositories = new ArrayList<>(simulator.repositories());
    repositories.add(RepositoryId.parse("nobody/missing"));
    return ProcessorConfig.builder().repositories(repositories).githubBaseUrl(simulator.baseUrl())
        .githubToken(TOKEN).monitorName("obs").retryBackoffFactor(1.0).serverTimeBudget(null, Duration.ofSeconds(60));
  }

  private Search find(String name) {
    return registry.find(name).tag("monitor", "obs");
  }

  @Test
  void passes_recordEveryMeter_withTheirTags() {
    InMemoryPullRequestStore store = new InMemoryPullRequestStore();
    try (PRMonitor monitor = PRMonitor.builder().config(config().build()).store(store).meterRegistry(registry)
        .listener(change -> { }).build()) {
      simulator.faults().failNext(Fault.SERVER_ERROR, 1);
      monitor.run();
      RepositoryId first = simulator.repositories().get(0);
      simulator.editTitle(first, simulator.truth(first).get(0).number(), "metrics");
      simulator.faults().secondaryLimitBurst(1);
      monitor.run();
      simulator.setRemaining(TOKEN, 10);
      monitor.run(); // learns that the budget is down to its reserve
      monitor.run(); // so this one defers
      assertEveryMeterRecorded();
    }
  }

  private void assertEveryMeterRecorded() {
    assertThat(find("prmonitor.repository.sync").tag("outcome", "done").timer().count()).isPositive();
    assertThat(find("prmonitor.repository.sync").tag("outcome", "failed").timer().count()).isPositive();
    assertThat(find("prmonitor.repository.sync").tag("outcome", "deferred").timer().count()).isPositive();
    assertThat(find("prmonitor.github.requests").tags("endpoint", PULLS, "status", "200", "charged", "true")
        .timer().count()).isPositive();
    assertThat(find("prmonitor.github.requests").tags("endpoint", PULLS, "status", "304", "charged", "false")
        .timer().count()).isPositive();
    assertThat(find("prmonitor.github.requests").tags("endpoint", PULLS, "status", "404").timer()).isNotNull();
    assertThat(find("prmonitor.github.not.modified").tag("endpoint", PULLS).counter().count()).isPositive();
    assertThat(find("prmonitor.github.retries").tag("endpoint", PULLS).counter().count()).isPositive();
    assertThat(find("prmonitor.github.secondary.limits").tag("credential", "token:...1234").counter().count())
        .isPositive();
    assertThat(find("prmonitor.github.rate.limit.remaining").tag("credential", "token:...1234").gauge().value())
        .isLessThanOrEqualTo(10);
    assertThat(find("prmonitor.github.rate.limit.reset").tag("credential", "token:...1234").gauge().value())
        .isPositive();
    assertThat(find("prmonitor.store.transaction").tags("operation", "apply", "outcome", "success").timer().count())
        .isPositive();
    assertThat(find("prmonitor.changes").tag("kind", "EDITED").counter().count()).isEqualTo(1.0);
    assertThat(find("prmonitor.errors").tag("type", "RepositoryNotFoundException").counter().count()).isPositive();
    assertThat(find("prmonitor.pass.duration").timer().count()).isEqualTo(4);
    assertThat(find("prmonitor.repositories.failed").counter().count()).isPositive();
    assertThat(find("prmonitor.repositories.deferred").counter().count()).isPositive();
    assertThat(find("prmonitor.outbox.delivered").counter().count()).isEqualTo(1.0);
    assertThat(registry.getMeters()).allSatisfy(meter -> assertThat(meter.getId().getTags().toString())
        .doesNotContain(TOKEN).doesNotContain("repo-").doesNotContain("missing"));
  }

  @Test
  void build_registersTheMetersOfFixedTagsWithZeroValues() {
    try (PRMonitor monitor = PRMonitor.builder().config(config().build()).store(new InMemoryPullRequestStore())
        .meterRegistry(registry).build()) {
      for (String outcome : List.of("done", "failed", "deferred")) {
        assertThat(find("prmonitor.repository.sync").tag("outcome", outcome).timer().count()).isZero();
      }
      for (ChangeKind kind : ChangeKind.values()) {
        assertThat(find("prmonitor.changes").tag("kind", kind.name()).counter().count()).isZero();
      }
      assertThat(find("prmonitor.pass.duration").timer().count()).isZero();
      assertThat(find("prmonitor.repositories.failed").counter().count()).isZero();
      assertThat(find("prmonitor.repositories.deferred").counter().count()).isZero();
      assertThat(find("prmonitor.outbox.delivered").counter().count()).isZero();
      assertThat(find("prmonitor.outbox.failures").counter().count()).isZero();
      assertThat(find("prmonitor.github.cache").tag("result", "miss").counter().count()).isZero();
      assertThat(find("prmonitor.store.transaction").tags("operation", "apply", "outcome", "failure").timer().count())
          .isZero();
    }
  }

  @Test
  void passes_addNoStoreOperationBeyondThoseRegisteredAtStart() {
    try (PRMonitor monitor = PRMonitor.builder().config(config().build()).store(new InMemoryPullRequestStore())
        .meterRegistry(registry).listener(change -> { }).build()) {
      int registered = find("prmonitor.store.transaction").timers().size();
      monitor.run();
      RepositoryId first = simulator.repositories().get(0);
      simulator.editTitle(first, simulator.truth(first).get(0).number(), "operations");
      monitor.run();
      monitor.health();

      assertThat(find("prmonitor.store.transaction").timers()).hasSize(registered)
          .anyMatch(timer -> timer.count() > 0);
    }
  }

  @Test
  void timerHistograms_publishBucketsOnlyWhenAskedFor() {
    PrometheusMeterRegistry plain = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PrometheusMeterRegistry histograms = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (PRMonitor monitor = PRMonitor.builder().config(config().build()).store(new InMemoryPullRequestStore())
        .meterRegistry(plain).build()) {
      monitor.run();
      assertThat(plain.scrape()).contains("prmonitor_pass_duration_seconds_count{monitor=\"obs\"} 1")
          .doesNotContain("_bucket{");
    }
    try (PRMonitor monitor = PRMonitor.builder().config(config().build()).store(new InMemoryPullRequestStore())
        .meterRegistry(histograms).timerHistograms(true).build()) {
      monitor.run();
      String scrape = histograms.scrape();
      for (String timer : List.of("prmonitor_pass_duration_seconds", "prmonitor_repository_sync_seconds",
          "prmonitor_github_requests_seconds", "prmonitor_store_transaction_seconds")) {
        assertThat(scrape).contains(timer + "_bucket{");
      }
    }
  }

  @Test
  void hostBuiltClient_fromTheSettingsFactory_feedsTheMonitorsMetricsAndIsClosedByIt() {
    List<HttpGitHubClient> built = new ArrayList<>();
    try (PRMonitor monitor = PRMonitor.builder().config(config().build()).store(new InMemoryPullRequestStore())
        .meterRegistry(registry)
        .githubClient(settings -> {
          HttpGitHubClient client = new HttpGitHubClient(settings.toBuilder().retryInitialDelay(Duration.ofMillis(1)).build());
          built.add(client);
          return client;
        })
        .build()) {
      monitor.run();
      assertThat(find("prmonitor.github.requests").tags("endpoint", PULLS, "status", "200").timer().count())
          .isPositive();
      assertThat(find("prmonitor.github.rate.limit.remaining").tag("credential", "token:...1234").gauge()).isNotNull();
    }
    assertThat(built).singleElement().satisfies(client -> assertThat(client.toString()).endsWith(", closed]"));
  }

  @Test
  void close_removesTheMonitorsMeters() {
    try (PRMonitor monitor = PRMonitor.builder().config(config().build()).store(new InMemoryPullRequestStore())
        .meterRegistry(registry).build()) {
      monitor.run();
      assertThat(find("prmonitor.pass.duration").timer()).isNotNull();
    }
    assertThat(registry.getMeters()).extracting(Meter::getId).noneMatch(id -> id.getName().startsWith("prmonitor."));
  }

  @Test
  void cacheLookups_ofPullRequestDetails_areCountedAsHitsAndMisses() {
    MonitorMetrics metrics = new MonitorMetrics(registry, "obs");
    RepositoryId repository = simulator.repositories().get(0);
    int number = simulator.truth(repository).get(0).number();
    try (HttpGitHubClient client = new HttpGitHubClient(GitHubClientSettings.builder()
        .baseUrl(simulator.baseUrl()).credentials(new GitHubCredentials.Token(TOKEN)).listener(metrics).build())) {
      assertThat(client.pullRequestDetails(repository, number)).isPresent();
      assertThat(client.pullRequestDetails(repository, number)).isPresent();
    }
    assertThat(find("prmonitor.github.cache").tag("result", "miss").counter().count()).isEqualTo(1.0);
    assertThat(find("prmonitor.github.cache").tag("result", "hit").counter().count()).isEqualTo(1.0);
  }
}
