package io.prmonitor.core.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.StaticGitHubClient;
import io.prmonitor.core.store.InMemoryPullRequestStore;
import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryLeases;
import io.prmonitor.spi.contract.ForwardingPullRequestStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How {@link PRMonitor} runs a pass with {@code leases(true)}. */
class LeasedMonitorTest {

  static final List<RepositoryId> FLEET = LeasedRepositoryQueueTest.fleet(4);

  /** The in-memory store with the in-memory leases; a completed pass is recorded in both. */
  static final class LeasingStore extends ForwardingPullRequestStore {
    final InMemoryPullRequestStore data = new InMemoryPullRequestStore();
    final MemoryLeases leases = new MemoryLeases();

    @Override
    protected PullRequestStore delegate() {
      return data;
    }

    @Override
    public void completePass(RepositoryId repository, ListingCursor cursor, Instant completedAt) {
      data.completePass(repository, cursor, completedAt);
      leases.complete(repository, completedAt);
    }

    @Override
    public void ping() {
    }

    @Override
    public void close() {
    }

    @Override
    public Optional<RepositoryLeases> leases() {
      return Optional.of(leases);
    }
  }

  static ProcessorConfig.Builder config() {
    return ProcessorConfig.builder().repositories(FLEET).serverTimeBudget(null, Duration.ofSeconds(60));
  }

  @Test
  void leases_twoMonitors_aRepositoryCompletedWithinTheIntervalIsNotSyncedAgain() {
    LeasingStore store = new LeasingStore();
    StaticGitHubClient client = new StaticGitHubClient();
    ProcessorConfig.Builder leased = config().leases(true).repositoryInterval(Duration.ofHours(1));
    try (PRMonitor first = PRMonitor.builder().config(leased.workerId("first").build()).store(store)
        .githubClient(client).build();
        PRMonitor second = PRMonitor.builder().config(leased.workerId("second").build()).store(store)
            .githubClient(client).build()) {
      RunReport a = first.run();
      RunReport b = second.run();

      assertThat(a.repositoriesDone()).isEqualTo(FLEET.size());
      assertThat(b.repositoriesDone()).isZero();
      assertThat(client.requests()).as("one request per repository, by the first monitor").isEqualTo(FLEET.size());
      assertThat(FLEET).allSatisfy(r -> assertThat(store.leases.owner(r)).as("released").isNull());
    }
  }

  @Test
  void leasesOff_leaseCapableStore_everyPassSyncsEveryRepository() {
    LeasingStore store = new LeasingStore();
    StaticGitHubClient client = new StaticGitHubClient();
    try (PRMonitor monitor = PRMonitor.builder().config(config().build()).store(store).githubClient(client)
        .build()) {
      monitor.run();
      RunReport again = monitor.run();

      assertThat(again.repositoriesDone()).isEqualTo(FLEET.size());
      assertThat(client.requests()).isEqualTo(2 * FLEET.size());
      assertThat(store.leases.renewals.get()).as("no lease was touched").isZero();
    }
  }

  @Test
  void leasesOn_storeWithoutLeases_monitorWorksAlone() {
    StaticGitHubClient client = new StaticGitHubClient();
    try (PRMonitor monitor = PRMonitor.builder().config(config().leases(true).build())
        .store(new InMemoryPullRequestStore()).githubClient(client).build()) {
      RunReport report = monitor.run();

      assertThat(report.repositoriesDone()).isEqualTo(FLEET.size());
      assertThat(client.requests()).isEqualTo(FLEET.size());
    }
  }
}
