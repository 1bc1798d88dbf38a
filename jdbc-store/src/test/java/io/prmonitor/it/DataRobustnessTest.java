package io.prmonitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.jdbc.JdbcPullRequestStore;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.QuarantinedPullRequest;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.StoreException;
import io.prmonitor.spi.StoreSettings;
import io.prmonitor.spi.SyncBatch;
import io.prmonitor.spi.contract.ForwardingPullRequestStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No single value stops a repository or freezes a pull request (issue 13), through the whole stack on H2:
 * a store that refuses one pull request, a clock glitch to year 9999, and two spellings of one repository.
 */
class DataRobustnessTest {

  private static final String TOKEN = "robust-token-0123456789";

  @TempDir
  Path directory;

  private GitHubSimulator simulator;
  private JdbcPullRequestStore jdbc;
  private PRMonitor monitor;
  private final List<PullRequestChange> received = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() {
    simulator = GitHubSimulator.builder().repositories(5).pullRequestsPerRepository(250).seed(21L).tokens(TOKEN)
        .start();
    jdbc = JdbcPullRequestStore.create(new StoreSettings(new StoreTarget.H2(directory).jdbcUrl(), null, null, 6,
        Duration.ofSeconds(30), Map.of()));
  }

  @AfterEach
  void stop() {
    if (monitor != null) {
      monitor.close();
    }
    jdbc.close();
    simulator.close();
  }

  private ProcessorConfig.Builder config() {
    return ProcessorConfig.builder()
        .githubBaseUrl(simulator.baseUrl())
        .githubToken(TOKEN)
        .maxConcurrentRepositories(3)
        .serverTimeBudget(null, Duration.ofSeconds(60));
  }

  private void assertStoreEqualsTruth(RepositoryId repository) {
    assertThat(jdbc.allPullRequests(repository)).as("stored %s", repository)
        .containsExactlyElementsOf(simulator.truth(repository));
  }

  /** A store that refuses every batch holding one pull request number of one repository, while told to. */
  private static final class RefusingStore extends ForwardingPullRequestStore {
    private final PullRequestStore delegate;
    private final RepositoryId repository;
    private final int number;
    final AtomicBoolean refusing = new AtomicBoolean(true);
    /** How many more batches holding the number it refuses; then it accepts them (a passing fault). */
    final AtomicInteger refusals = new AtomicInteger(Integer.MAX_VALUE);

    RefusingStore(PullRequestStore delegate, RepositoryId repository, int number) {
      this.delegate = delegate;
      this.repository = repository;
      this.number = number;
    }

    @Override
    protected PullRequestStore delegate() {
      return delegate;
    }

    @Override
    public void apply(SyncBatch batch) {
      if (refusing.get() && batch.repository().equals(repository)
          && batch.upserts().stream().anyMatch(pr -> pr.number() == number)
          && refusals.getAndDecrement() > 0) {
        throw new StoreException("test store refuses " + repository + "#" + number);
      }
      super.apply(batch);
    }
  }

  @Test
  void storeRefusingOnePullRequest_costsOnlyThatPullRequest_andLaterPassesRetryIt() {
    RepositoryId repository = simulator.repositories().get(1);
    int refused = 137;
    RefusingStore store = new RefusingStore(jdbc, repository, refused);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    monitor = PRMonitor.builder().config(config().repositories(simulator.repositories()).build()).store(store)
        .meterRegistry(registry).listener(received::add).build();

    RunReport first = monitor.run();

    assertThat(first.failed()).isEmpty();
    assertThat(first.repositoriesDone()).isEqualTo(5);
    assertThat(first.quarantined()).containsOnlyKeys(repository + "#" + refused);
    assertThat(first.quarantined().get(repository + "#" + refused)).contains("test store refuses");
    assertThat(first.toJson()).contains("\"quarantined\":{\"" + repository + "#" + refused + "\"");
    assertThat(registry.get("prmonitor.pull.requests.quarantined").counter().count()).isEqualTo(1.0);
    List<PullRequest> truth = simulator.truth(repository);
    assertThat(jdbc.allPullRequests(repository)).as("the rest of its page and repository")
        .containsExactlyElementsOf(truth.stream().filter(pr -> pr.number() != refused).toList());
    assertThat(jdbc.quarantined(repository)).singleElement().satisfies(entry -> {
      assertThat(entry.number()).isEqualTo(refused);
      assertThat(entry.attempts()).isEqualTo(1);
      assertThat(entry.updatedAt()).isEqualTo(truth.get(refused - 1).updatedAt());
    });
    for (RepositoryId other : simulator.repositories()) {
      if (!other.equals(repository)) {
        assertStoreEqualsTruth(other);
      }
    }

    // still refused: retried (no 304 for its repository), counted again, the rest goes on
    int edited = 3;
    simulator.editTitle(repository, edited, "edited while #" + refused + " is quarantined");
    RunReport second = monitor.run();

    assertThat(second.quarantined()).containsOnlyKeys(repository + "#" + refused);
    assertThat(jdbc.quarantined(repository)).extracting(QuarantinedPullRequest::attempts).containsExactly(2);
    assertThat(received).extracting(PullRequestChange::number, PullRequestChange::kind)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(edited, ChangeKind.EDITED));
    assertThat(registry.get("prmonitor.pull.requests.quarantined").counter().count()).isEqualTo(2.0);

    // accepted again: stored, the record cleared, and the repository back to free 304s
    store.refusing.set(false);
    RunReport third = monitor.run();

    assertThat(third.quarantined()).isEmpty();
    assertThat(jdbc.quarantined(repository)).isEmpty();
    assertStoreEqualsTruth(repository);
    RunReport quiet = monitor.run();
    assertThat(quiet.notModified()).isEqualTo(5);
  }

  @Test
  void storeRefusingOnePullRequestOnlyOnce_quarantinesNothing() {
    RepositoryId repository = simulator.repositories().get(3);
    RefusingStore store = new RefusingStore(jdbc, repository, 64);
    // the page's batch, then the pull request's first one-by-one try: a fault that passes
    store.refusals.set(2);
    monitor = PRMonitor.builder().config(config().repositories(repository).build()).store(store).build();

    RunReport report = monitor.run();

    assertThat(report.quarantined()).isEmpty();
    assertThat(jdbc.quarantined(repository)).isEmpty();
    assertThat(store.refusals.get()).as("both refusals were used").isNotPositive();
    assertStoreEqualsTruth(repository);
  }

  @Test
  void storeRefusingOnePullRequest_recordSurvivesARestart() {
    RepositoryId repository = simulator.repositories().get(0);
    RefusingStore store = new RefusingStore(jdbc, repository, 42);
    monitor = PRMonitor.builder().config(config().repositories(repository).build()).store(store).build();
    monitor.run();
    monitor.close();

    monitor = PRMonitor.builder().config(config().repositories(repository).build()).store(store).build();
    RunReport afterRestart = monitor.run();

    assertThat(afterRestart.notModified()).as("a quarantine keeps no entity tag").isZero();
    assertThat(jdbc.quarantined(repository)).extracting(QuarantinedPullRequest::attempts).containsExactly(2);
    store.refusing.set(false);
    monitor.run();
    assertStoreEqualsTruth(repository);
  }

  @Test
  void pullRequestServedInYear9999_thenMerged_endsMerged_andLaterEditsAreAllSynchronized() {
    RepositoryId repository = simulator.repositories().get(2);
    monitor = PRMonitor.builder().config(config().repositories(repository).build()).listener(received::add)
        .store(jdbc).build();
    monitor.run();
    int glitched = simulator.truth(repository).stream().filter(pr -> pr.isOpen() && !pr.draft()).findFirst()
        .orElseThrow().number();
    simulator.stampUpdatedAt(repository, glitched, Instant.parse("9999-12-31T23:59:59Z"));
    monitor.run();
    assertThat(jdbc.pullRequests(repository, List.of(glitched)).get(glitched).updatedAt().toString())
        .startsWith("9999");

    simulator.merge(repository, glitched);
    List<Integer> edited = new ArrayList<>();
    for (int number = 1; edited.size() < 150; number++) {
      if (number != glitched) {
        simulator.editTitle(repository, number, "edit " + number);
        edited.add(number);
      }
    }
    received.clear();
    RunReport afterMerge = monitor.run();

    assertThat(afterMerge.isComplete()).as(afterMerge.toJson()).isTrue();
    assertThat(jdbc.pullRequests(repository, List.of(glitched)).get(glitched).state())
        .isEqualTo(PullRequestState.MERGED);
    assertThat(received).filteredOn(c -> c.number() == glitched).extracting(PullRequestChange::kind)
        .contains(ChangeKind.MERGED);
    assertThat(received).filteredOn(c -> c.kind() == ChangeKind.EDITED).hasSize(150);
    assertStoreEqualsTruth(repository);

    for (int round = 0; round < 3; round++) {
      for (int k = 0; k < 150; k++) {
        simulator.editTitle(repository, 1 + (round * 150 + k * 7) % 250, "round " + round + " edit " + k);
      }
      assertThat(monitor.run().isComplete()).isTrue();
      assertStoreEqualsTruth(repository);
    }
  }

  @Test
  void twoSpellings_byNameAndByDiscovery_oneRepository_oneKeyPerChange() {
    RepositoryId named = new RepositoryId("org-0", "repo-0");
    assertThatThrownBy(() -> config().repositories("org-0/repo-0", "ORG-0/Repo-0").build())
        .hasMessageContaining("ORG-0/Repo-0 is listed twice");
    monitor = PRMonitor.builder().config(config().repositories("ORG-0/Repo-0").organization("org-0").build())
        .store(jdbc).listener(received::add).build();

    RunReport first = monitor.run();

    assertThat(first.repositories()).as("org-0 holds repo-0 and repo-4").isEqualTo(2);
    assertThat(first.pullRequestsSeen()).isEqualTo(2 * 250L);
    simulator.editTitle(named, 5, "seen once");
    RunReport second = monitor.run();

    assertThat(second.totalChanges()).isEqualTo(1);
    assertThat(received).singleElement().satisfies(change -> {
      assertThat(change.key()).startsWith("org-0/repo-0#5@");
      assertThat(change.repository().fullName()).as("the spelling named in the configuration")
          .isEqualTo("ORG-0/Repo-0");
    });
    assertThat(jdbc.allPullRequests(new RepositoryId("ORG-0", "REPO-0")))
        .containsExactlyElementsOf(simulator.truth(named));
  }
}
