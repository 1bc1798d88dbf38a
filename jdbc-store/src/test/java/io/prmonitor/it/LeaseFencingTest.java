package io.prmonitor.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.PRMonitor;
import io.prmonitor.ProcessorConfig;
import io.prmonitor.RunReport;
import io.prmonitor.jdbc.JdbcPullRequestStore;
import io.prmonitor.simulator.GitHubSimulator;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryLeases;
import io.prmonitor.spi.RepositoryState;
import io.prmonitor.spi.StoreSettings;
import io.prmonitor.spi.SyncBatch;
import io.prmonitor.spi.contract.ForwardingPullRequestStore;
import io.prmonitor.spi.testing.MutableClock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leases between workers of one fleet (monitors sharing one H2 store): a worker that stalls past its lease
 * cannot write the older snapshot it read over the newer one its successor wrote, and with three workers
 * every change reaches the listeners of exactly one of them.
 */
class LeaseFencingTest {

  private static final String TOKEN = "fencing-token-0123456789";
  private static final Duration LEASE = Duration.ofSeconds(2);

  @TempDir
  Path directory;
  private GitHubSimulator simulator;
  private JdbcPullRequestStore store;

  @BeforeEach
  void start() {
    simulator = GitHubSimulator.builder().repositories(6).pullRequestsPerRepository(60).seed(41L).tokens(TOKEN)
        .start();
    store = JdbcPullRequestStore.create(new StoreSettings("jdbc:h2:file:" + directory.resolve("db").toAbsolutePath(),
        "sa", null, 12, Duration.ofSeconds(30), Map.of()));
  }

  @AfterEach
  void stop() {
    store.close();
    simulator.close();
  }

  private PRMonitor monitor(String worker, PullRequestStore workerStore, Clock clock, List<PullRequestChange> received,
      List<RepositoryId> repositories) {
    return PRMonitor.builder().store(workerStore).clock(clock).listener(received::add)
        .config(ProcessorConfig.builder()
            .repositories(repositories)
            .githubBaseUrl(simulator.baseUrl())
            .githubToken(TOKEN)
            .serverTimeBudget(null, Duration.ofSeconds(60))
            .maxConcurrentRepositories(2)
            .leases(true)
            .workerId(worker)
            .leaseDuration(LEASE)
            .monitorName(worker)
            .build())
        .build();
  }

  @Test
  void workerStalledPastItsLease_cannotOverwriteItsSuccessorsNewerSnapshot() throws Exception {
    RepositoryId repository = simulator.repositories().get(0);
    List<RepositoryId> fleet = List.of(repository);
    StallingStore stalling = new StallingStore(store, repository);
    MutableClock successorClock = MutableClock.followingSystemClock();
    List<PullRequestChange> toA = Collections.synchronizedList(new ArrayList<>());
    List<PullRequestChange> toB = Collections.synchronizedList(new ArrayList<>());
    try (PRMonitor a = monitor("worker-a", stalling, Clock.systemUTC(), toA, fleet);
        PRMonitor b = monitor("worker-b", store, successorClock, toB, fleet)) {
      assertThat(a.run().isComplete()).isTrue();
      int number = simulator.truth(repository).get(0).number();
      simulator.editTitle(repository, number, "read by the worker that stalls");
      stalling.armed = true;

      CompletableFuture<RunReport> stalled = CompletableFuture.supplyAsync(a::run);
      assertThat(stalling.stalled.await(30, TimeUnit.SECONDS)).as("worker A reached its write").isTrue();
      simulator.editTitle(repository, number, "written by its successor");
      // worker A's lease has expired by the time its successor looks (A is stalled: it renews nothing)
      successorClock.advance(LEASE.plusSeconds(1));
      RunReport successor = b.run();
      assertThat(successor.repositoriesDone()).as(successor.toJson()).isEqualTo(1);
      PullRequest newer = store.pullRequests(repository, List.of(number)).get(number);
      assertThat(newer.title()).isEqualTo("written by its successor");

      stalling.resume.countDown();
      stalled.get(30, TimeUnit.SECONDS);

      assertThat(store.pullRequests(repository, List.of(number)).get(number))
          .as("the stalled worker's late write of an older snapshot is refused").isEqualTo(newer);
      assertThat(store.allPullRequests(repository)).containsExactlyElementsOf(simulator.truth(repository));
      assertThat(stalling.lateWrites).isEqualTo(1);
    }
  }

  @Test
  void threeWorkers_eachChangeReachesTheListenersOfOneWorker() throws Exception {
    List<List<PullRequestChange>> received = List.of(Collections.synchronizedList(new ArrayList<>()),
        Collections.synchronizedList(new ArrayList<>()), Collections.synchronizedList(new ArrayList<>()));
    List<PRMonitor> workers = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        workers.add(monitor("worker-" + i, store, Clock.systemUTC(), received.get(i), simulator.repositories()));
      }
      passTogether(workers);
      RandomMutations mutations = new RandomMutations(simulator, 43L);
      List<String> expected = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        expected.addAll(mutations.round(12));
        passTogether(workers);
      }

      List<String> keys = new ArrayList<>();
      List<String> delivered = new ArrayList<>();
      for (List<PullRequestChange> list : received) {
        synchronized (list) {
          list.forEach(c -> keys.add(c.key()));
          list.forEach(c -> delivered.add(RandomMutations.expected(c.repository(), c.number(), c.kind())));
        }
      }
      assertThat(new HashSet<>(keys)).as("no change reached two workers").hasSameSizeAs(keys);
      assertThat(delivered).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(received).as("the fleet shared the work").filteredOn(list -> !list.isEmpty()).hasSizeGreaterThan(1);
      assertThat(store.pendingChanges(0, 10)).isEmpty();
    } finally {
      workers.forEach(PRMonitor::close);
    }
  }

  /** Runs one pass of every worker at once and checks that together they covered the fleet. */
  private void passTogether(List<PRMonitor> workers) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(workers.size());
    List<CompletableFuture<RunReport>> passes = workers.stream().map(worker -> CompletableFuture.supplyAsync(() -> {
      try {
        go.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return worker.run();
    }, threads)).toList();
    go.countDown();
    threads.shutdown();
    int done = 0;
    for (CompletableFuture<RunReport> pass : passes) {
      RunReport report = pass.get(60, TimeUnit.SECONDS);
      assertThat(report.failed()).as(report.toJson()).isEmpty();
      done += report.repositoriesDone();
    }
    // a worker whose pass starts after another completed a repository finds it due again (interval 0) and
    // reads it once more, finding no change: every repository is covered, some maybe twice
    assertThat(done).isGreaterThanOrEqualTo(simulator.repositories().size());
  }

  /**
   * The store as a worker that stalls sees it: once armed, its first write to the repository announces
   * itself and waits until resumed, and meanwhile its lease renewals do not reach the store (a stalled
   * JVM renews nothing).
   */
  private static final class StallingStore extends ForwardingPullRequestStore implements RepositoryLeases {
    private final JdbcPullRequestStore delegate;
    private final RepositoryLeases delegateLeases;
    private final RepositoryId repository;
    final CountDownLatch stalled = new CountDownLatch(1);
    final CountDownLatch resume = new CountDownLatch(1);
    volatile boolean armed;
    volatile int lateWrites;

    StallingStore(JdbcPullRequestStore delegate, RepositoryId repository) {
      this.delegate = delegate;
      this.delegateLeases = delegate.leases().orElseThrow();
      this.repository = repository;
    }

    @Override
    protected PullRequestStore delegate() {
      return delegate;
    }

    private boolean stalling() {
      return armed && resume.getCount() > 0;
    }

    @Override
    public void apply(SyncBatch batch) {
      if (armed && batch.repository().equals(repository) && stalled.getCount() > 0) {
        stalled.countDown();
        try {
          resume.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        lateWrites++;
      }
      super.apply(batch);
    }

    /** Itself: its renewals do not reach the store while it stalls. */
    @Override
    public java.util.Optional<RepositoryLeases> leases() {
      return java.util.Optional.of(this);
    }

    @Override
    public List<RepositoryState> claimDue(String worker, Collection<RepositoryId> candidates, Instant dueBefore,
        Instant now, Duration leaseDuration, int limit) {
      return delegateLeases.claimDue(worker, candidates, dueBefore, now, leaseDuration, limit);
    }

    @Override
    public Set<RepositoryId> renew(String worker, Collection<RepositoryId> repositories, Instant now,
        Duration leaseDuration) {
      return stalling() ? Set.of() : delegateLeases.renew(worker, repositories, now, leaseDuration);
    }

    @Override
    public void release(String worker, RepositoryId repository) {
      delegateLeases.release(worker, repository);
    }

    @Override
    public LeasedElsewhere leasedElsewhere(String worker, Collection<RepositoryId> candidates, Instant dueBefore,
        Instant now) {
      return delegateLeases.leasedElsewhere(worker, candidates, dueBefore, now);
    }
  }
}
