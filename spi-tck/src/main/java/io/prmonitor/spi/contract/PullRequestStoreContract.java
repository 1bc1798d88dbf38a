package io.prmonitor.spi.contract;

import static io.prmonitor.spi.contract.PullRequestFixtures.batch;
import static io.prmonitor.spi.contract.PullRequestFixtures.change;
import static io.prmonitor.spi.contract.PullRequestFixtures.pullRequest;
import static io.prmonitor.spi.contract.PullRequestFixtures.repository;
import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.OutboxEntry;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link PullRequestStore} must show, as an abstract JUnit 5 test class.
 *
 * <p>Extend it in the implementation's tests and implement {@link #createStore()}; each test gets a fresh,
 * empty store, which the suite closes after the test. One test checks one behaviour. The suite only uses
 * the SPI, so it holds for any store: in memory, JDBC on H2 or PostgreSQL, or anything else. A store's
 * build needs only the artifact {@code io.prmonitor:prmonitor-spi-tck} in test scope: it brings JUnit
 * Jupiter (the engine included) and AssertJ.
 *
 * <p>Each test checks what the Javadoc of the {@link PullRequestStore} method it names promises, and no
 * more: {@link PullRequestStore#hasPullRequests} is held to exactness only by a store that overrides the
 * SPI's default (which answers true, correct but slower), and {@link PullRequestStore#purgeDelivered}
 * must forget what it purged, keys included.
 *
 * <p>The tests are grouped by area in interfaces this class implements, each in a file of its own:
 * {@link RepositoryStateContract}, {@link SnapshotContract}, {@link OutboxContract},
 * {@link StoredValuesContract}, {@link QuarantineContract} and {@link EnrichmentContract}; this class holds
 * the store's lifecycle and the tests that span areas (capabilities, concurrency, ping, close). JUnit runs them
 * all for every subclass, as one class.
 */
public abstract class PullRequestStoreContract implements RepositoryStateContract, SnapshotContract,
    OutboxContract, StoredValuesContract, QuarantineContract, EnrichmentContract {

  /** The store under test, created by {@link #createStore()} before each test. */
  protected PullRequestStore store;

  /** For subclasses: a store's test extends this class. */
  protected PullRequestStoreContract() {
  }

  /** Returns a new store holding no data; the suite closes it after the test. */
  protected abstract PullRequestStore createStore();

  /** The store under test, {@link #store}: how the tests of each area reach it. */
  @Override
  public final PullRequestStore store() {
    return store;
  }

  @BeforeEach
  void openStore() {
    store = createStore();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  // ---- capabilities

  @Test
  void capabilityAccessors_answerEveryCallAlike() {
    // each is empty (the default) or always the same capability; never null
    assertThat(store.leases()).isNotNull().isEqualTo(store.leases());
    store.leases().ifPresent(leases -> assertThat(store.leases()).containsSame(leases));
    assertThat(store.rateLimitBoard()).isNotNull();
    store.rateLimitBoard().ifPresent(board -> assertThat(store.rateLimitBoard()).containsSame(board));
    assertThat(store.webhookDeliveries()).isNotNull();
    store.webhookDeliveries().ifPresent(log -> assertThat(store.webhookDeliveries()).containsSame(log));
  }

  // ---- concurrency and lifecycle

  @Test
  void apply_concurrentlyToDifferentRepositoriesFromEightThreads_allLand() throws Exception {
    int threads = 8;
    int batchesPerThread = 10;
    int prsPerBatch = 10;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        RepositoryId repo = repository("concurrent-" + t);
        futures.add(pool.submit(() -> {
          start.await();
          for (int b = 0; b < batchesPerThread; b++) {
            List<PullRequest> prs = new ArrayList<>();
            List<PullRequestChange> changes = new ArrayList<>();
            for (int i = 1; i <= prsPerBatch; i++) {
              int number = b * prsPerBatch + i;
              prs.add(pullRequest(number, T0));
              changes.add(change(repo, number, ChangeKind.OPENED, "state", null, "OPEN", T0));
            }
            store.apply(batch(repo, prs, changes));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    for (int t = 0; t < threads; t++) {
      assertThat(store.allPullRequests(repository("concurrent-" + t)))
          .extracting(PullRequest::number)
          .containsExactlyElementsOf(IntStream.rangeClosed(1, batchesPerThread * prsPerBatch).boxed().toList());
    }
    List<OutboxEntry> outbox = store.pendingChanges(0, 10_000);
    assertThat(outbox).hasSize(threads * batchesPerThread * prsPerBatch);
    assertThat(outbox).extracting(OutboxEntry::sequence).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void ping_openStore_succeeds() {
    store.ping();

    assertThat(store.repositoryState(REPO)).isEqualTo(RepositoryState.initial(REPO));
  }

  @Test
  void close_twice_isHarmless() {
    PullRequestStore extra = createStore();
    extra.close();
    extra.close();

    assertThat(store.allPullRequests(REPO)).isEmpty();
  }
}
