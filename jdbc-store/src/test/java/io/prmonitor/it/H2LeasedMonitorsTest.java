package io.prmonitor.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.jdbc.JdbcPullRequestStore;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.StoreSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leases on embedded H2, where they are claimed by conditional updates instead of {@code SKIP LOCKED}: a
 * single monitor with leases on does what it does with leases off, and two monitors of one JVM sharing the
 * H2 store split the repositories without syncing any twice.
 */
class H2LeasedMonitorsTest {

  static final String TOKEN = "h2-leases-token-0123456789";
  static final int REPOSITORIES = 8;

  @TempDir
  Path directory;
  GitHubSimulator simulator;
  JdbcPullRequestStore store;

  @BeforeEach
  void start() {
    simulator = GitHubSimulator.builder().repositories(REPOSITORIES).pullRequestsPerRepository(120).seed(5L)
        .tokens(TOKEN).start();
    store = JdbcPullRequestStore.create(new StoreSettings("jdbc:h2:file:" + directory.resolve("db").toAbsolutePath(),
        "sa", null, 10, Duration.ofSeconds(30), Map.of()));
  }

  @AfterEach
  void stop() throws Exception {
    SyncStack.closeInOrder(store, simulator);
  }

  PRMonitor monitor(String workerId) {
    return PRMonitor.builder().store(store).config(ProcessorConfig.builder()
        .repositories(simulator.repositories())
        .githubBaseUrl(simulator.baseUrl())
        .githubToken(TOKEN)
        .serverTimeBudget(null, Duration.ofSeconds(60))
        .maxConcurrentRepositories(3)
        .leases(true)
        .workerId(workerId)
        .leaseDuration(Duration.ofSeconds(5))
        .monitorName(workerId)
        .build()).build();
  }

  void assertStoreEqualsTruth() {
    for (RepositoryId repository : simulator.repositories()) {
      assertThat(store.allPullRequests(repository)).as("stored pull requests of %s", repository)
          .containsExactlyElementsOf(simulator.truth(repository));
    }
  }

  @Test
  void singleMonitor_withLeases_syncsEveryRepositoryOnce_andStoreEqualsTruth() {
    try (PRMonitor monitor = monitor("solo")) {
      RunReport report = monitor.run();

      assertThat(report.repositoriesDone()).as(report.toJson()).isEqualTo(REPOSITORIES);
      assertThat(report.requests()).isEqualTo(REPOSITORIES * 2);
      assertStoreEqualsTruth();
      RunReport again = monitor.run();
      assertThat(again.repositoriesDone()).as("every repository is due again in the next pass").isEqualTo(REPOSITORIES);
      assertThat(again.notModified()).isEqualTo(REPOSITORIES);
    }
  }

  @Test
  void twoMonitors_onOneH2Store_splitTheRepositories() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (PRMonitor first = monitor("first"); PRMonitor second = monitor("second")) {
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<RunReport>> passes = List.of(first, second).stream()
          .map(monitor -> CompletableFuture.supplyAsync(() -> {
            try {
              go.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException(e);
            }
            return monitor.run();
          }, threads)).toList();
      go.countDown();
      RunReport a = passes.get(0).get(60, TimeUnit.SECONDS);
      RunReport b = passes.get(1).get(60, TimeUnit.SECONDS);

      assertThat(a.repositoriesDone() + b.repositoriesDone()).as("%s %s", a.toJson(), b.toJson()).isEqualTo(REPOSITORIES);
      assertThat(a.requests() + b.requests()).isEqualTo(REPOSITORIES * 2);
      assertStoreEqualsTruth();
    } finally {
      threads.shutdownNow();
    }
  }
}
