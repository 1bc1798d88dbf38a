package io.prmonitor.spi.contract;

import static io.prmonitor.spi.contract.PullRequestFixtures.repository;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RateLimitStatus;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryLeases;
import io.prmonitor.spi.RepositoryState;
import io.prmonitor.spi.SharedRateLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link RepositoryLeases} store must show (and, where the store has one, its
 * {@link SharedRateLimits} board), as an abstract JUnit 5 test class.
 *
 * <p>Extend it and implement {@link #createStore()} with a fresh, empty store that implements
 * {@link RepositoryLeases}; the suite closes it after each test. All times are explicit, so no test waits.
 */
public abstract class RepositoryLeasesContract {

  /** For subclasses: a store's test extends this class. */
  protected RepositoryLeasesContract() {
  }

  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final String A = "worker-a";
  private static final String B = "worker-b";

  /** The store under test, created by {@link #createStore()} before each test. */
  protected PullRequestStore store;
  /** The store's lease capability, {@link PullRequestStore#leases()}. */
  protected RepositoryLeases leases;

  /** Returns a new store holding no data that has {@link RepositoryLeases} ({@link PullRequestStore#leases()}). */
  protected abstract PullRequestStore createStore();

  @BeforeEach
  void openStore() {
    store = createStore();
    assertThat(store.leases()).as("the leases of the store under test").isPresent();
    leases = store.leases().orElseThrow();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void leases_answerTheSameInstanceEveryCall() {
    assertThat(store.leases()).containsSame(leases);
    store.rateLimitBoard().ifPresent(board -> assertThat(store.rateLimitBoard()).containsSame(board));
  }

  private static List<RepositoryId> fleet(int size) {
    return IntStream.range(0, size).mapToObj(i -> repository("r" + (100 + i))).toList();
  }

  private List<RepositoryId> claim(String worker, List<RepositoryId> candidates, Instant now, int limit) {
    return leases.claimDue(worker, candidates, now, now, LEASE, limit).stream()
        .map(RepositoryState::repository).toList();
  }

  // ---- claiming

  @Test
  void claimDue_neverCompleted_claimsInitialStates() {
    List<RepositoryId> fleet = fleet(2);

    List<RepositoryState> claimed = leases.claimDue(A, fleet, T0, T0, LEASE, 10);

    assertThat(claimed).containsExactly(RepositoryState.initial(fleet.get(0)), RepositoryState.initial(fleet.get(1)));
  }

  @Test
  void claimDue_claimsOldestFirst_neverCompletedBeforeAll() {
    List<RepositoryId> fleet = fleet(4);
    store.completePass(fleet.get(0), ListingCursor.NONE, T0.plusSeconds(3));
    store.completePass(fleet.get(1), ListingCursor.NONE, T0.plusSeconds(1));
    store.completePass(fleet.get(2), ListingCursor.NONE, T0.plusSeconds(2));
    Instant now = T0.plusSeconds(60);

    assertThat(claim(A, fleet, now, 10)).containsExactly(fleet.get(3), fleet.get(1), fleet.get(2), fleet.get(0));
  }

  @Test
  void claimDue_returnsTheStoredCursorAndCompletionTime() {
    RepositoryId repo = fleet(1).get(0);
    store.completePass(repo, new ListingCursor(T0, "W/\"etag\""), T0.plusSeconds(1));

    List<RepositoryState> claimed = leases.claimDue(A, List.of(repo), T0.plusSeconds(5), T0.plusSeconds(5),
        LEASE, 1);

    assertThat(claimed).containsExactly(store.repositoryState(repo));
  }

  @Test
  void claimDue_takesAtMostLimit_thenTheRest() {
    List<RepositoryId> fleet = fleet(5);

    List<RepositoryId> first = claim(A, fleet, T0, 2);
    List<RepositoryId> second = claim(A, fleet, T0, 10);

    assertThat(first).hasSize(2);
    assertThat(second).hasSize(3).doesNotContainAnyElementsOf(first);
  }

  @Test
  void claimDue_completedAfterDueBefore_isNotDue() {
    List<RepositoryId> fleet = fleet(2);
    store.completePass(fleet.get(0), ListingCursor.NONE, T0.plusSeconds(10));
    store.completePass(fleet.get(1), ListingCursor.NONE, T0.minusSeconds(10));

    assertThat(leases.claimDue(A, fleet, T0, T0.plusSeconds(20), LEASE, 10))
        .extracting(RepositoryState::repository).containsExactly(fleet.get(1));
  }

  @Test
  void claimDue_completedExactlyAtDueBefore_isDue() {
    RepositoryId repo = fleet(1).get(0);
    store.completePass(repo, ListingCursor.NONE, T0);

    assertThat(leases.claimDue(A, List.of(repo), T0, T0.plusSeconds(1), LEASE, 1)).hasSize(1);
  }

  @Test
  void claimDue_onlyAmongCandidates() {
    List<RepositoryId> fleet = fleet(3);
    claim(B, fleet, T0.minus(LEASE).minus(LEASE), 10);

    assertThat(claim(A, fleet.subList(1, 2), T0, 10)).containsExactly(fleet.get(1));
  }

  @Test
  void claimDue_leasedByAnother_isNotClaimedUntilTheLeaseExpires() {
    List<RepositoryId> fleet = fleet(1);
    claim(A, fleet, T0, 1);

    assertThat(claim(B, fleet, T0.plus(LEASE).minusMillis(1), 1)).isEmpty();
    assertThat(claim(B, fleet, T0.plus(LEASE), 1)).containsExactlyElementsOf(fleet);
  }

  @Test
  void claimDue_leaseHeldByTheSameWorker_isNotClaimedTwice() {
    List<RepositoryId> fleet = fleet(1);
    claim(A, fleet, T0, 1);

    assertThat(claim(A, fleet, T0.plusSeconds(1), 1)).isEmpty();
  }

  @Test
  void completePass_keepsTheLease() {
    List<RepositoryId> fleet = fleet(1);
    claim(A, fleet, T0, 1);
    store.completePass(fleet.get(0), ListingCursor.NONE, T0.plusSeconds(1));

    // due again by the time asked, but still leased by A
    assertThat(leases.claimDue(B, fleet, T0.plusSeconds(2), T0.plusSeconds(2), LEASE, 1)).isEmpty();
  }

  @Test
  void claimDue_concurrentWorkers_neverShareARepository() throws Exception {
    List<RepositoryId> fleet = fleet(60);
    int workers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<List<RepositoryId>>> results = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        String worker = "worker-" + w;
        results.add(pool.submit(() -> {
          start.await();
          List<RepositoryId> mine = new ArrayList<>();
          List<RepositoryId> batch;
          do {
            batch = claim(worker, fleet, T0, 3);
            mine.addAll(batch);
          } while (!batch.isEmpty());
          return mine;
        }));
      }
      start.countDown();
      List<RepositoryId> all = new ArrayList<>();
      for (Future<List<RepositoryId>> result : results) {
        all.addAll(result.get(60, TimeUnit.SECONDS));
      }
      assertThat(all).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(fleet);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void claimDue_badArguments_areRejected() {
    List<RepositoryId> fleet = fleet(1);
    assertThatThrownBy(() -> leases.claimDue(" ", fleet, T0, T0, LEASE, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("worker");
    assertThatThrownBy(() -> leases.claimDue(A, fleet, T0, T0, Duration.ZERO, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseDuration");
    assertThatThrownBy(() -> leases.claimDue(A, fleet, T0, T0, LEASE, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
  }

  @Test
  void claimDue_noCandidates_claimsNothing() {
    assertThat(leases.claimDue(A, List.of(), T0, T0, LEASE, 5)).isEmpty();
  }

  // ---- renewing and releasing

  @Test
  void renew_heldLease_extendsIt() {
    List<RepositoryId> fleet = fleet(1);
    claim(A, fleet, T0, 1);

    Set<RepositoryId> renewed = leases.renew(A, fleet, T0.plusSeconds(20), LEASE);

    assertThat(renewed).containsExactlyElementsOf(fleet);
    assertThat(claim(B, fleet, T0.plus(LEASE).plusSeconds(1), 1)).as("still leased by A").isEmpty();
    assertThat(claim(B, fleet, T0.plusSeconds(20).plus(LEASE), 1)).containsExactlyElementsOf(fleet);
  }

  @Test
  void renew_leaseTakenOverByAnother_isReportedLost() {
    List<RepositoryId> fleet = fleet(2);
    claim(A, fleet, T0, 2);
    Instant later = T0.plus(LEASE).plusSeconds(1);
    List<RepositoryId> takenOver = claim(B, fleet.subList(0, 1), later, 1);

    Set<RepositoryId> renewed = leases.renew(A, fleet, later, LEASE);

    assertThat(takenOver).containsExactly(fleet.get(0));
    assertThat(renewed).containsExactly(fleet.get(1));
  }

  @Test
  void release_freesTheRepositoryAtOnce() {
    List<RepositoryId> fleet = fleet(1);
    claim(A, fleet, T0, 1);

    leases.release(A, fleet.get(0));

    assertThat(claim(B, fleet, T0.plusSeconds(1), 1)).containsExactlyElementsOf(fleet);
    assertThat(leases.renew(A, fleet, T0.plusSeconds(2), LEASE)).isEmpty();
  }

  @Test
  void release_byAnotherWorker_leavesTheLease() {
    List<RepositoryId> fleet = fleet(1);
    claim(A, fleet, T0, 1);

    leases.release(B, fleet.get(0));
    leases.release(B, fleet.get(0));

    assertThat(claim(B, fleet, T0.plusSeconds(1), 1)).isEmpty();
  }

  // ---- leases of others

  @Test
  void leasedElsewhere_countsDueRepositoriesOthersHold() {
    List<RepositoryId> fleet = fleet(3);
    claim(A, fleet.subList(0, 1), T0, 1);
    claim(A, fleet.subList(1, 2), T0.plusSeconds(5), 1);

    RepositoryLeases.LeasedElsewhere seenByB = leases.leasedElsewhere(B, fleet, T0.plusSeconds(6),
        T0.plusSeconds(6));

    assertThat(seenByB).isEqualTo(new RepositoryLeases.LeasedElsewhere(2, T0.plus(LEASE)));
    assertThat(leases.leasedElsewhere(A, fleet, T0.plusSeconds(6), T0.plusSeconds(6)))
        .isEqualTo(RepositoryLeases.LeasedElsewhere.NONE);
  }

  @Test
  void leasedElsewhere_ignoresExpiredLeases() {
    List<RepositoryId> fleet = fleet(1);
    claim(A, fleet, T0, 1);

    assertThat(leases.leasedElsewhere(B, fleet, T0.plus(LEASE), T0.plus(LEASE)))
        .isEqualTo(RepositoryLeases.LeasedElsewhere.NONE);
  }

  // ---- the rate-limit board

  private SharedRateLimits board() {
    Assumptions.assumeTrue(store.rateLimitBoard().isPresent(), "the store shares no rate limits");
    return store.rateLimitBoard().orElseThrow();
  }

  @Test
  void sharedRateLimits_empty_isEmpty() {
    assertThat(board().sharedRateLimits()).isEmpty();
  }

  @Test
  void publishRateLimits_withinAWindow_keepsTheLowestRemaining() {
    SharedRateLimits board = board();
    Instant reset = T0.plusSeconds(3600);
    board.publishRateLimits(List.of(new RateLimitStatus("token:...aaaa", 5000, 4000, reset)));
    board.publishRateLimits(List.of(new RateLimitStatus("token:...aaaa", 5000, 4500, reset)));
    board.publishRateLimits(List.of(new RateLimitStatus("token:...aaaa", 5000, 3900, reset)));

    assertThat(board.sharedRateLimits()).containsExactly(new RateLimitStatus("token:...aaaa", 5000, 3900, reset));
  }

  @Test
  void publishRateLimits_laterWindow_replacesTheOldOne() {
    SharedRateLimits board = board();
    board.publishRateLimits(List.of(new RateLimitStatus("token:...aaaa", 5000, 10, T0)));
    board.publishRateLimits(List.of(new RateLimitStatus("token:...aaaa", 5000, 4999, T0.plusSeconds(3600))));
    board.publishRateLimits(List.of(new RateLimitStatus("token:...aaaa", 5000, 5, T0)));

    assertThat(board.sharedRateLimits())
        .containsExactly(new RateLimitStatus("token:...aaaa", 5000, 4999, T0.plusSeconds(3600)));
  }

  @Test
  void sharedRateLimits_holdsEveryCredential_orderedByLabel() {
    SharedRateLimits board = board();
    RateLimitStatus b = new RateLimitStatus("token:...bbbb", 5000, 1, T0);
    RateLimitStatus a = new RateLimitStatus("token:...aaaa", 5000, 2, T0);
    board.publishRateLimits(List.of(b, a));

    assertThat(board.sharedRateLimits()).containsExactly(a, b);
    assertThat(new HashSet<>(board.sharedRateLimits())).hasSize(2);
  }
}
