package io.prmonitor.core.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prmonitor.core.sync.RepositoryOutcome;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeasedRepositoryQueueTest {

  static final String ME = "worker-me";
  static final Duration LEASE = Duration.ofMinutes(5);

  final MemoryLeases leases = new MemoryLeases();
  final List<LeasedRepositoryQueue> queues = new ArrayList<>();
  final AtomicInteger ticks = new AtomicInteger();

  @AfterEach
  void closeQueues() {
    queues.forEach(LeasedRepositoryQueue::close);
  }

  static List<RepositoryId> fleet(int size) {
    return IntStream.range(0, size).mapToObj(i -> new RepositoryId("org", "repo-" + (10 + i))).toList();
  }

  LeasedRepositoryQueue queue(List<RepositoryId> fleet, Duration lease, Duration interval, int batch) {
    LeasedRepositoryQueue queue = new LeasedRepositoryQueue(leases, ME, fleet, lease, interval, batch,
        Clock.systemUTC(), ticks::incrementAndGet);
    queues.add(queue);
    return queue;
  }

  static RepositoryOutcome outcome(RepositoryId repository, RepositoryOutcome.Status status) {
    RepositoryOutcome.Reason reason = switch (status) {
      case DONE -> null;
      case DEFERRED -> new RepositoryOutcome.Reason(RepositoryOutcome.Reason.Kind.RATE_LIMIT, "because");
      case FAILED -> RepositoryOutcome.Reason.error("because");
    };
    return new RepositoryOutcome(repository, status, reason,
        0, 0, Map.of(), 0, 0, Duration.ZERO, status == RepositoryOutcome.Status.FAILED ? "Error" : null);
  }

  /** Takes everything the queue hands out, finishing each as done and recording its completion. */
  List<RepositoryId> drain(LeasedRepositoryQueue queue) {
    List<RepositoryId> handedOut = new ArrayList<>();
    RepositoryState state;
    while ((state = queue.next()) != null) {
      handedOut.add(state.repository());
      leases.complete(state.repository(), Instant.now());
      queue.finished(outcome(state.repository(), RepositoryOutcome.Status.DONE));
    }
    return handedOut;
  }

  @Test
  void next_handsOutEveryDueRepositoryOnce_inBatches() {
    List<RepositoryId> fleet = fleet(7);

    List<RepositoryId> handedOut = drain(queue(fleet, LEASE, Duration.ZERO, 3));

    assertThat(handedOut).containsExactlyInAnyOrderElementsOf(fleet).doesNotHaveDuplicates();
  }

  @Test
  void next_oldestFirst_neverCompletedFirst() {
    List<RepositoryId> fleet = fleet(3);
    leases.complete(fleet.get(0), Instant.now().minusSeconds(10));
    leases.complete(fleet.get(1), Instant.now().minusSeconds(20));

    assertThat(drain(queue(fleet, LEASE, Duration.ZERO, 1)))
        .containsExactly(fleet.get(2), fleet.get(1), fleet.get(0));
  }

  @Test
  void next_completedWithinTheInterval_isNotDue() {
    List<RepositoryId> fleet = fleet(2);
    leases.complete(fleet.get(0), Instant.now().minusSeconds(30));
    leases.complete(fleet.get(1), Instant.now().minusSeconds(120));

    assertThat(drain(queue(fleet, LEASE, Duration.ofMinutes(1), 5))).containsExactly(fleet.get(1));
  }

  @Test
  void next_failedRepository_isNotHandedOutAgainInThePass() {
    List<RepositoryId> fleet = fleet(1);
    LeasedRepositoryQueue queue = queue(fleet, LEASE, Duration.ZERO, 1);

    RepositoryState first = queue.next();
    queue.finished(outcome(first.repository(), RepositoryOutcome.Status.FAILED));

    assertThat(queue.next()).isNull();
    assertThat(leases.owner(first.repository())).as("released for others").isNull();
  }

  @Test
  void finished_done_keepsTheLeaseForDeliveryUntilClose() {
    List<RepositoryId> fleet = fleet(1);
    LeasedRepositoryQueue queue = queue(fleet, LEASE, Duration.ZERO, 1);
    RepositoryState state = queue.next();
    assertThat(leases.owner(state.repository())).isEqualTo(ME);

    queue.finished(outcome(state.repository(), RepositoryOutcome.Status.DONE));

    assertThat(leases.owner(state.repository())).isEqualTo(ME);
    assertThat(queue.held()).containsExactly(state.repository());
    queue.close();
    assertThat(leases.owner(state.repository())).isNull();
    assertThat(queue.held()).isEmpty();
  }

  @Test
  void finished_failed_releasesTheLeaseAtOnce() {
    List<RepositoryId> fleet = fleet(1);
    LeasedRepositoryQueue queue = queue(fleet, LEASE, Duration.ZERO, 1);
    RepositoryState state = queue.next();

    queue.finished(outcome(state.repository(), RepositoryOutcome.Status.FAILED));

    assertThat(leases.owner(state.repository())).isNull();
    assertThat(queue.held()).isEmpty();
  }

  @Test
  void next_waitsForAnotherWorkersLeaseToExpire_thenTakesItsRepository() {
    List<RepositoryId> fleet = fleet(3);
    Duration shortLease = Duration.ofMillis(300);
    leases.lease(fleet.get(1), "worker-dead", Instant.now().plus(shortLease));

    List<RepositoryId> handedOut = drain(queue(fleet, shortLease, Duration.ZERO, 5));

    assertThat(handedOut).containsExactly(fleet.get(0), fleet.get(2), fleet.get(1));
  }

  @Test
  void next_afterADeferral_endsThePassAndCloseReleasesTheRest() {
    List<RepositoryId> fleet = fleet(4);
    LeasedRepositoryQueue queue = queue(fleet, LEASE, Duration.ZERO, 4);
    RepositoryState first = queue.next();

    queue.finished(outcome(first.repository(), RepositoryOutcome.Status.DEFERRED));

    assertThat(queue.next()).isNull();
    assertThat(queue.held()).hasSize(3);
    queue.close();
    assertThat(fleet).allSatisfy(r -> assertThat(leases.owner(r)).isNull());
  }

  @Test
  void next_storeDown_endsThePass() {
    LeasedRepositoryQueue queue = queue(fleet(2), LEASE, Duration.ZERO, 1);
    leases.failing = true;

    assertThat(queue.next()).isNull();
  }

  @Test
  void renew_extendsTheLeasesHeld_andRunsTheHook() {
    List<RepositoryId> fleet = fleet(2);
    LeasedRepositoryQueue queue = queue(fleet, LEASE, Duration.ZERO, 2);
    RepositoryState state = queue.next();
    Instant before = leases.expiresAt(state.repository());

    queue.renew();

    assertThat(leases.expiresAt(state.repository())).isAfterOrEqualTo(before);
    assertThat(leases.renewals.get()).isEqualTo(1);
    assertThat(ticks.get()).isEqualTo(1);
  }

  @Test
  void renewalTimer_keepsALeaseAliveWhileWorking() {
    List<RepositoryId> fleet = fleet(1);
    LeasedRepositoryQueue queue = queue(fleet, Duration.ofMillis(150), Duration.ZERO, 1);
    RepositoryState state = queue.next();
    Instant first = leases.expiresAt(state.repository());

    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> leases.expiresAt(state.repository()).isAfter(first) && leases.renewals.get() >= 2);

    assertThat(leases.owner(state.repository())).isEqualTo(ME);
  }

  @Test
  void close_releasesEveryLeaseHeld() {
    List<RepositoryId> fleet = fleet(3);
    LeasedRepositoryQueue queue = queue(fleet, LEASE, Duration.ZERO, 3);
    queue.next();

    queue.close();

    assertThat(fleet).allSatisfy(r -> assertThat(leases.owner(r)).isNull());
    assertThat(queue.next()).isNull();
  }

  @Test
  void constructor_badArguments_areRejected() {
    assertThatThrownBy(() -> queue(fleet(1), Duration.ofMillis(1), Duration.ZERO, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseDuration");
    assertThatThrownBy(() -> queue(fleet(1), LEASE, Duration.ofSeconds(-1), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("repositoryInterval");
    assertThatThrownBy(() -> queue(fleet(1), LEASE, Duration.ZERO, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchSize");
  }
}
