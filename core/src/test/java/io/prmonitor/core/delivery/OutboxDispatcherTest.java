package io.prmonitor.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.core.store.InMemoryPullRequestStore;
import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.ChangeListener;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.SyncBatch;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OutboxDispatcherTest {

  private static final RepositoryId REPO = RepositoryId.parse("octo/hello");
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
  private final InMemoryPullRequestStore store = new InMemoryPullRequestStore();

  private static PullRequestChange change(int number, int second, String title) {
    return PullRequestChange.of(REPO, number, ChangeKind.EDITED, "title", "old", title, T0.plusSeconds(second));
  }

  private void append(PullRequestChange... changes) {
    store.apply(new SyncBatch(REPO, List.of(), List.of(changes)));
  }

  @Test
  void deliverPending_deliversInSequenceOrder_andMarksDelivered() {
    append(change(1, 1, "a"), change(2, 2, "b"), change(1, 3, "c"));
    List<String> seen = new ArrayList<>();
    OutboxDispatcher dispatcher = new OutboxDispatcher(store, List.of(c -> seen.add(c.after())), clock);

    OutboxDispatcher.Round round = dispatcher.deliverPending();

    assertThat(seen).containsExactly("a", "b", "c");
    assertThat(round.delivered()).isEqualTo(3);
    assertThat(store.pendingChanges(0, 10)).isEmpty();
  }

  @Test
  void deliverPending_ofTheRepositoriesHeld_leavesTheOthersPendingUntouched() {
    RepositoryId other = RepositoryId.parse("octo/other");
    append(change(1, 1, "mine"));
    store.apply(new SyncBatch(other, List.of(), List.of(
        PullRequestChange.of(other, 1, ChangeKind.EDITED, "title", "old", "theirs", T0.plusSeconds(2)))));
    List<String> seen = new ArrayList<>();
    OutboxDispatcher dispatcher = new OutboxDispatcher(store, List.of(c -> seen.add(c.after())), clock);

    OutboxDispatcher.Round round = dispatcher.deliverPending(REPO::equals);

    assertThat(seen).containsExactly("mine");
    assertThat(round).isEqualTo(new OutboxDispatcher.Round(1, 0, 0));
    assertThat(store.pendingChanges(0, 10)).singleElement()
        .satisfies(entry -> assertThat(entry.change().after()).isEqualTo("theirs"))
        .satisfies(entry -> assertThat(entry.attempts()).isZero());
  }

  @Test
  void deliverPending_failingListener_holdsBackThatPullRequestOnly_andRetriesLater() {
    append(change(1, 1, "a1"), change(2, 2, "b1"), change(1, 3, "a2"), change(2, 4, "b2"));
    Set<String> refuseOnce = new HashSet<>(Set.of("a1"));
    List<String> seen = new ArrayList<>();
    ChangeListener listener = c -> {
      if (refuseOnce.remove(c.after())) {
        throw new IllegalStateException("listener down");
      }
      seen.add(c.after());
    };
    OutboxDispatcher dispatcher = new OutboxDispatcher(store, List.of(listener), clock);

    OutboxDispatcher.Round first = dispatcher.deliverPending();
    assertThat(seen).containsExactly("b1", "b2");
    assertThat(first).isEqualTo(new OutboxDispatcher.Round(2, 1, 1));
    assertThat(store.pendingChanges(0, 10)).extracting(e -> e.change().after()).containsExactly("a1", "a2");
    assertThat(store.pendingChanges(0, 10).get(0).attempts()).isEqualTo(1);

    OutboxDispatcher.Round second = dispatcher.deliverPending();
    assertThat(seen).containsExactly("b1", "b2", "a1", "a2");
    assertThat(second.delivered()).isEqualTo(2);
    assertThat(store.pendingChanges(0, 10)).isEmpty();
  }

  @Test
  void deliverPending_everyListenerMustAccept_allSeeTheSameKey() {
    append(change(1, 1, "a"));
    List<String> keysA = new ArrayList<>();
    List<String> keysB = new ArrayList<>();
    boolean[] failB = {true};
    OutboxDispatcher dispatcher = new OutboxDispatcher(store, List.of(c -> keysA.add(c.key()), c -> {
      if (failB[0]) {
        failB[0] = false;
        throw new RuntimeException("b refuses once");
      }
      keysB.add(c.key());
    }), clock);

    dispatcher.deliverPending();
    dispatcher.deliverPending();

    assertThat(keysA).hasSize(2).containsOnly(change(1, 1, "a").key());
    assertThat(keysB).containsExactly(change(1, 1, "a").key());
  }

  @Test
  void deliverPending_pagesPastManyPermanentFailures() {
    List<PullRequestChange> changes = new ArrayList<>();
    for (int i = 1; i <= OutboxDispatcher.CHUNK * 2 + 5; i++) {
      changes.add(change(i, i, i <= OutboxDispatcher.CHUNK + 1 ? "poison" : "ok"));
    }
    append(changes.toArray(PullRequestChange[]::new));
    List<String> delivered = new ArrayList<>();
    OutboxDispatcher dispatcher = new OutboxDispatcher(store, List.of(c -> {
      if (c.after().equals("poison")) {
        throw new IllegalArgumentException("poison");
      }
      delivered.add(c.after());
    }), clock);

    OutboxDispatcher.Round round = dispatcher.deliverPending();

    assertThat(delivered).hasSize(OutboxDispatcher.CHUNK + 4);
    assertThat(round.failed()).isEqualTo(OutboxDispatcher.CHUNK + 1);
  }
}
