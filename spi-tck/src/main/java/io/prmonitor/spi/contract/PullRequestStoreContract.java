package io.prmonitor.spi.contract;

import static io.prmonitor.spi.contract.PullRequestFixtures.batch;
import static io.prmonitor.spi.contract.PullRequestFixtures.builder;
import static io.prmonitor.spi.contract.PullRequestFixtures.change;
import static io.prmonitor.spi.contract.PullRequestFixtures.pullRequest;
import static io.prmonitor.spi.contract.PullRequestFixtures.repository;
import static io.prmonitor.spi.contract.PullRequestFixtures.titleEdit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.ChecksState;
import io.prmonitor.spi.Mergeability;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.ReviewDecision;
import io.prmonitor.spi.ReviewState;
import io.prmonitor.spi.SyncBatch;
import io.prmonitor.spi.ListingCursor;
import io.prmonitor.spi.OutboxEntry;
import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import io.prmonitor.spi.RepositoryState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 */
public abstract class PullRequestStoreContract {

  /** For subclasses: a store's test extends this class. */
  protected PullRequestStoreContract() {
  }

  private static final RepositoryId REPO = repository("alpha");
  private static final RepositoryId OTHER = repository("beta");
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  /** The store under test, created by {@link #createStore()} before each test. */
  protected PullRequestStore store;

  /** Returns a new store holding no data; the suite closes it after the test. */
  protected abstract PullRequestStore createStore();

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

  // ---- repository state and cursors

  @Test
  void repositoryState_unknownRepository_isInitial() {
    assertThat(store.repositoryState(REPO)).isEqualTo(RepositoryState.initial(REPO));
    assertThat(store.repositoryState(REPO).isBaseline()).isTrue();
  }

  @Test
  void completePass_storesCursorAndCompletionTime() {
    ListingCursor cursor = new ListingCursor(T0.plusSeconds(5), "W/\"abc123\"");
    store.completePass(REPO, cursor, T0.plusSeconds(30));

    assertThat(store.repositoryState(REPO)).isEqualTo(new RepositoryState(REPO, cursor, T0.plusSeconds(30)));
  }

  @Test
  void completePass_again_replacesCursorAndCompletionTime() {
    store.completePass(REPO, new ListingCursor(T0, "\"one\""), T0.plusSeconds(1));
    ListingCursor second = new ListingCursor(T0.plusSeconds(100), "\"two\"");
    store.completePass(REPO, second, T0.plusSeconds(200));

    assertThat(store.repositoryState(REPO)).isEqualTo(new RepositoryState(REPO, second, T0.plusSeconds(200)));
  }

  @Test
  void completePass_emptyCursor_marksPassCompletedWithoutCursor() {
    store.completePass(REPO, ListingCursor.NONE, T0);

    RepositoryState state = store.repositoryState(REPO);
    assertThat(state.cursor()).isEqualTo(ListingCursor.NONE);
    assertThat(state.lastCompletedAt()).isEqualTo(T0);
    assertThat(state.isBaseline()).isFalse();
  }

  @Test
  void completePass_millisecondInstants_roundTripExactly() {
    ListingCursor cursor = new ListingCursor(Instant.parse("2024-05-01T10:00:00.123Z"), "\"e\"");
    Instant completedAt = Instant.parse("2024-05-01T10:00:01.987Z");
    store.completePass(REPO, cursor, completedAt);

    assertThat(store.repositoryState(REPO)).isEqualTo(new RepositoryState(REPO, cursor, completedAt));
  }

  @Test
  void applyWithoutCompletePass_leavesOldCursor() {
    ListingCursor first = new ListingCursor(T0, "\"first\"");
    store.completePass(REPO, first, T0.plusSeconds(10));

    // a second pass applies its batches, then fails before completing
    store.apply(batch(REPO, List.of(pullRequest(1, T0.plusSeconds(50))),
        List.of(titleEdit(REPO, 1, T0.plusSeconds(50)))));

    assertThat(store.repositoryState(REPO)).isEqualTo(new RepositoryState(REPO, first, T0.plusSeconds(10)));
  }

  @Test
  void applyOnly_leavesRepositoryInBaseline() {
    store.apply(batch(REPO, List.of(pullRequest(1)), List.of()));

    assertThat(store.repositoryState(REPO)).isEqualTo(RepositoryState.initial(REPO));
  }

  @Test
  void repositories_areIndependent() {
    store.apply(batch(REPO, List.of(builder(1).title("alpha one").build()), List.of()));
    store.apply(batch(OTHER, List.of(builder(1).title("beta one").build()), List.of()));
    store.completePass(REPO, new ListingCursor(T0, "\"a\""), T0);

    assertThat(store.allPullRequests(REPO)).extracting(PullRequest::title).containsExactly("alpha one");
    assertThat(store.allPullRequests(OTHER)).extracting(PullRequest::title).containsExactly("beta one");
    assertThat(store.repositoryState(OTHER)).isEqualTo(RepositoryState.initial(OTHER));
  }

  // ---- pull request snapshots

  @Test
  void apply_insertsPullRequests() {
    PullRequest one = pullRequest(1);
    PullRequest two = pullRequest(2);
    store.apply(batch(REPO, List.of(one, two), List.of()));

    assertThat(store.allPullRequests(REPO)).containsExactly(one, two);
  }

  @Test
  void apply_sameNumber_replacesStoredSnapshot() {
    store.apply(batch(REPO, List.of(pullRequest(7, T0)), List.of()));
    PullRequest replacement = builder(7).title("new title").state(PullRequestState.CLOSED)
        .updatedAt(T0.plusSeconds(60)).closedAt(T0.plusSeconds(60)).labels("bug").build();
    store.apply(batch(REPO, List.of(replacement), List.of()));

    assertThat(store.allPullRequests(REPO)).containsExactly(replacement);
  }

  @Test
  void apply_olderSnapshot_doesNotReplaceANewerOne() {
    PullRequest newer = builder(7).title("newer").updatedAt(T0.plusSeconds(60)).build();
    store.apply(batch(REPO, List.of(newer), List.of()));

    store.apply(batch(REPO, List.of(builder(7).title("older").updatedAt(T0).build(), pullRequest(8)), List.of()));

    assertThat(store.allPullRequests(REPO)).containsExactly(newer, pullRequest(8));
  }

  @Test
  void apply_storedTimeFarInTheFuture_doesNotBlockALaterSnapshot() {
    PullRequest glitched = builder(7).title("from a clock glitch").updatedAt(Instant.parse("9999-12-31T00:00:00Z"))
        .build();
    store.apply(batch(REPO, List.of(glitched), List.of()));
    PullRequest merged = builder(7).title("merged since").updatedAt(T0).build();

    store.apply(batch(REPO, List.of(merged), List.of()));

    assertThat(store.allPullRequests(REPO)).containsExactly(merged);
  }

  @Test
  void apply_emptyBatch_changesNothing() {
    store.apply(batch(REPO, List.of(), List.of()));

    assertThat(store.allPullRequests(REPO)).isEmpty();
    assertThat(store.pendingChanges(0, 10)).isEmpty();
  }

  @Test
  void pullRequests_returnsOnlyStoredNumbers() {
    store.apply(batch(REPO, List.of(pullRequest(1), pullRequest(3)), List.of()));

    Map<Integer, PullRequest> found = store.pullRequests(REPO, List.of(1, 2, 3, 4));

    assertThat(found).containsOnlyKeys(1, 3);
    assertThat(found.get(3)).isEqualTo(pullRequest(3));
  }

  @Test
  void pullRequests_noNumbers_returnsEmptyMap() {
    store.apply(batch(REPO, List.of(pullRequest(1)), List.of()));

    assertThat(store.pullRequests(REPO, List.of())).isEmpty();
  }

  @Test
  void pullRequests_otherRepository_notReturned() {
    store.apply(batch(OTHER, List.of(pullRequest(1)), List.of()));

    assertThat(store.pullRequests(REPO, List.of(1))).isEmpty();
  }

  @Test
  void hasPullRequests_emptyStore_isFalseUnlessTheDefaultIsKept() {
    // the SPI's default answers true, which is correct; a store that overrides it promises an exact answer
    assertThat(store.hasPullRequests(REPO)).isEqualTo(!overridesHasPullRequests());
  }

  @Test
  void hasPullRequests_afterApply_isTrue() {
    store.apply(batch(REPO, List.of(pullRequest(7)), List.of()));

    assertThat(store.hasPullRequests(REPO)).isTrue();
  }

  @Test
  void hasPullRequests_afterApplyToAnotherRepository_isFalseUnlessTheDefaultIsKept() {
    store.apply(batch(REPO, List.of(pullRequest(7)), List.of()));

    assertThat(store.hasPullRequests(OTHER)).isEqualTo(!overridesHasPullRequests());
  }

  @Test
  void allPullRequests_orderedByNumber() {
    store.apply(batch(REPO, List.of(pullRequest(30), pullRequest(2), pullRequest(100)), List.of()));
    store.apply(batch(REPO, List.of(pullRequest(11)), List.of()));

    assertThat(store.allPullRequests(REPO)).extracting(PullRequest::number).containsExactly(2, 11, 30, 100);
  }

  @Test
  void allPullRequests_unknownRepository_isEmpty() {
    assertThat(store.allPullRequests(REPO)).isEmpty();
  }

  @Test
  void roundTrip_everyFieldSet() {
    PullRequest merged = builder(42).id(9_876_543_210L).title("Add feature").body("Body text\nline two")
        .state(PullRequestState.MERGED).draft(false).author("alice").headSha("0123456789abcdef0123456789abcdef01234567")
        .headRef("feature/x").baseRef("release/1.x").labels("bug", "enhancement")
        .assignees("alice", "bob").requestedReviewers("carol", "team:core")
        .createdAt(Instant.parse("2024-01-02T03:04:05Z")).updatedAt(Instant.parse("2024-02-03T04:05:06Z"))
        .closedAt(Instant.parse("2024-02-03T04:05:06Z")).mergedAt(Instant.parse("2024-02-03T04:05:06Z"))
        .build();
    store.apply(batch(REPO, List.of(merged), List.of()));

    assertThat(store.pullRequests(REPO, List.of(42))).containsEntry(42, merged);
  }

  @Test
  void roundTrip_nullableFieldsNullAndEmptyLists() {
    PullRequest sparse = builder(5).body(null).author(null).closedAt(null).mergedAt(null).draft(true)
        .labels().assignees().requestedReviewers().build();
    store.apply(batch(REPO, List.of(sparse), List.of()));

    PullRequest stored = store.allPullRequests(REPO).get(0);
    assertThat(stored).isEqualTo(sparse);
    assertThat(stored.body()).isNull();
    assertThat(stored.author()).isNull();
    assertThat(stored.labels()).isEmpty();
  }

  @Test
  void roundTrip_emptyBodyStaysEmptyNotNull() {
    PullRequest emptyBody = builder(6).body("").build();
    store.apply(batch(REPO, List.of(emptyBody), List.of()));

    assertThat(store.allPullRequests(REPO).get(0).body()).isEqualTo("");
  }

  @Test
  void roundTrip_unicodeText() {
    PullRequest unicode = builder(8).title("Ünïcødé ✓ 日本語 🚀 \"quoted\" 'single' \\ back")
        .body("emoji 👩‍💻 and RTL שלום\r\nand tabs\t!").author("ä-user").labels("🐛 bug", "área")
        .headRef("feat/ñ").build();
    store.apply(batch(REPO, List.of(unicode), List.of()));

    assertThat(store.allPullRequests(REPO)).containsExactly(unicode);
  }

  @Test
  void roundTrip_64KilobyteBody() {
    StringBuilder body = new StringBuilder(65_536);
    while (body.length() < 65_536) {
      body.append("0123456789abcdé\n");
    }
    PullRequest large = builder(9).body(body.substring(0, 65_536)).build();
    store.apply(batch(REPO, List.of(large), List.of()));

    assertThat(store.allPullRequests(REPO).get(0).body()).hasSize(65_536).isEqualTo(large.body());
  }

  @Test
  void roundTrip_sortedListsIncludingTeams() {
    PullRequest listed = builder(10).labels("z-last", "a-first", "M-middle")
        .assignees("zed", "amy").requestedReviewers("team:x", "bob", "team:a", "alice").build();
    store.apply(batch(REPO, List.of(listed), List.of()));

    PullRequest stored = store.allPullRequests(REPO).get(0);
    assertThat(stored.labels()).containsExactly("M-middle", "a-first", "z-last");
    assertThat(stored.assignees()).containsExactly("amy", "zed");
    assertThat(stored.requestedReviewers()).containsExactly("alice", "bob", "team:a", "team:x");
  }

  @Test
  void roundTrip_singleElementLists() {
    PullRequest single = builder(12).labels("only").assignees("one").requestedReviewers("team:x").build();
    store.apply(batch(REPO, List.of(single), List.of()));

    assertThat(store.allPullRequests(REPO)).containsExactly(single);
  }

  @Test
  void roundTrip_instantsAtSecondPrecision() {
    PullRequest closed = builder(13).state(PullRequestState.CLOSED)
        .createdAt(Instant.parse("2020-02-29T23:59:59Z")).updatedAt(Instant.parse("2024-12-31T23:59:59Z"))
        .closedAt(Instant.parse("2024-12-31T23:59:58Z")).build();
    store.apply(batch(REPO, List.of(closed), List.of()));

    assertThat(store.allPullRequests(REPO)).containsExactly(closed);
  }

  @Test
  void roundTrip_instantsAtMillisecondPrecision() {
    PullRequest precise = builder(14).state(PullRequestState.MERGED)
        .createdAt(Instant.parse("2024-01-01T00:00:00.001Z")).updatedAt(Instant.parse("2024-01-01T00:00:01.999Z"))
        .closedAt(Instant.parse("2024-01-01T00:00:01.500Z")).mergedAt(Instant.parse("2024-01-01T00:00:01.500Z"))
        .build();
    store.apply(batch(REPO, List.of(precise), List.of()));

    assertThat(store.allPullRequests(REPO)).containsExactly(precise);
  }

  // ---- outbox

  @Test
  void apply_appendsChangesToOutbox() {
    PullRequestChange opened = change(REPO, 1, ChangeKind.OPENED, "state", null, "OPEN", T0);
    store.apply(batch(REPO, List.of(pullRequest(1, T0)), List.of(opened)));

    List<OutboxEntry> pending = store.pendingChanges(0, 10);
    assertThat(pending).extracting(OutboxEntry::change).containsExactly(opened);
    assertThat(pending.get(0).attempts()).isZero();
  }

  @Test
  void outbox_changeFieldsRoundTripExactly() {
    PullRequestChange labels = change(REPO, 3, ChangeKind.LABELS_CHANGED, "labels", "a\nb", "b\nc\nteam:x",
        Instant.parse("2024-05-01T10:00:00.123Z"));
    PullRequestChange body = change(REPO, 3, ChangeKind.EDITED, "body", null, "ünïcødé 🚀",
        Instant.parse("2024-05-01T10:00:00.123Z"));
    PullRequestChange cleared = change(REPO, 3, ChangeKind.ASSIGNEES_CHANGED, "assignees", "amy", "",
        Instant.parse("2024-05-01T10:00:00.123Z"));
    store.apply(batch(REPO, List.of(), List.of(labels, body, cleared)));

    assertThat(store.pendingChanges(0, 10)).extracting(OutboxEntry::change).containsExactly(labels, body, cleared);
  }

  @Test
  void apply_changeKeyAlreadyInOutbox_notAppendedTwice() {
    PullRequestChange edit = titleEdit(REPO, 1, T0);
    store.apply(batch(REPO, List.of(pullRequest(1, T0)), List.of(edit)));
    store.apply(batch(REPO, List.of(pullRequest(1, T0)), List.of(edit)));

    assertThat(store.pendingChanges(0, 10)).extracting(OutboxEntry::change).containsExactly(edit);
  }

  @Test
  void apply_changeKeyAlreadyDelivered_notAppendedAgain() {
    PullRequestChange edit = titleEdit(REPO, 1, T0);
    store.apply(batch(REPO, List.of(), List.of(edit)));
    store.markDelivered(sequences(store.pendingChanges(0, 10)), T0);

    store.apply(batch(REPO, List.of(), List.of(edit)));

    assertThat(store.pendingChanges(0, 10)).isEmpty();
  }

  @Test
  void apply_reappliedBatch_appendsOnlyNewKeys() {
    PullRequestChange first = titleEdit(REPO, 1, T0);
    PullRequestChange second = titleEdit(REPO, 2, T0);
    store.apply(batch(REPO, List.of(), List.of(first)));
    store.apply(batch(REPO, List.of(), List.of(first, second)));

    assertThat(store.pendingChanges(0, 10)).extracting(OutboxEntry::change).containsExactly(first, second);
  }

  @Test
  void pendingChanges_inSequenceOrder() {
    List<PullRequestChange> changes = IntStream.rangeClosed(1, 5)
        .mapToObj(n -> titleEdit(REPO, n, T0.plusSeconds(n))).toList();
    store.apply(batch(REPO, List.of(), changes.subList(0, 3)));
    store.apply(batch(OTHER, List.of(), List.of(titleEdit(OTHER, 1, T0))));
    store.apply(batch(REPO, List.of(), changes.subList(3, 5)));

    List<OutboxEntry> pending = store.pendingChanges(0, 100);
    assertThat(pending).extracting(OutboxEntry::sequence).isSorted().doesNotHaveDuplicates();
    assertThat(pending).extracting(e -> e.change().key()).containsExactly(
        changes.get(0).key(), changes.get(1).key(), changes.get(2).key(),
        titleEdit(OTHER, 1, T0).key(), changes.get(3).key(), changes.get(4).key());
  }

  @Test
  void pendingChanges_limit_returnsOldestFirst() {
    List<PullRequestChange> changes = IntStream.rangeClosed(1, 5)
        .mapToObj(n -> titleEdit(REPO, n, T0)).toList();
    store.apply(batch(REPO, List.of(), changes));

    assertThat(store.pendingChanges(0, 2)).extracting(OutboxEntry::change).containsExactly(changes.get(0), changes.get(1));
  }

  @Test
  void pendingChanges_perPullRequestOrderPreservedAcrossBatches() {
    PullRequestChange pushed = change(REPO, 4, ChangeKind.COMMITS_PUSHED, "head_sha", "a", "b", T0);
    PullRequestChange closed = change(REPO, 4, ChangeKind.CLOSED, "state", "OPEN", "CLOSED", T0.plusSeconds(10));
    PullRequestChange reopened = change(REPO, 4, ChangeKind.REOPENED, "state", "CLOSED", "OPEN", T0.plusSeconds(20));
    PullRequestChange merged = change(REPO, 4, ChangeKind.MERGED, "state", "OPEN", "MERGED", T0.plusSeconds(20));
    store.apply(batch(REPO, List.of(), List.of(pushed)));
    store.apply(batch(REPO, List.of(), List.of(titleEdit(REPO, 5, T0), closed)));
    store.apply(batch(REPO, List.of(), List.of(reopened, merged)));

    assertThat(store.pendingChanges(0, 100)).extracting(OutboxEntry::change).filteredOn(c -> c.number() == 4)
        .containsExactly(pushed, closed, reopened, merged);
  }

  @Test
  void pendingChanges_afterSequence_returnsOnlyLaterEntries() {
    List<PullRequestChange> changes = IntStream.rangeClosed(1, 5).mapToObj(n -> titleEdit(REPO, n, T0)).toList();
    store.apply(batch(REPO, List.of(), changes));
    List<OutboxEntry> firstPage = store.pendingChanges(0, 2);

    List<OutboxEntry> secondPage = store.pendingChanges(firstPage.get(1).sequence(), 2);

    assertThat(secondPage).extracting(OutboxEntry::change).containsExactly(changes.get(2), changes.get(3));
  }

  @Test
  void pendingChanges_afterLastSequence_isEmpty() {
    store.apply(batch(REPO, List.of(), List.of(titleEdit(REPO, 1, T0), titleEdit(REPO, 2, T0))));
    List<OutboxEntry> all = store.pendingChanges(0, 10);

    assertThat(store.pendingChanges(all.get(1).sequence(), 10)).isEmpty();
  }

  @Test
  void pendingChanges_pagingSkipsDeliveredEntries() {
    List<PullRequestChange> changes = IntStream.rangeClosed(1, 4).mapToObj(n -> titleEdit(REPO, n, T0)).toList();
    store.apply(batch(REPO, List.of(), changes));
    List<OutboxEntry> all = store.pendingChanges(0, 10);
    store.markDelivered(List.of(all.get(2).sequence()), T0);

    assertThat(store.pendingChanges(all.get(0).sequence(), 10)).extracting(OutboxEntry::change)
        .containsExactly(changes.get(1), changes.get(3));
  }

  @Test
  void pendingChanges_sequencesArePositive() {
    store.apply(batch(REPO, List.of(), List.of(titleEdit(REPO, 1, T0))));

    assertThat(store.pendingChanges(0, 10)).extracting(OutboxEntry::sequence).allMatch(sequence -> sequence > 0);
  }

  @Test
  void pendingChanges_zeroLimit_rejected() {
    assertThatThrownBy(() -> store.pendingChanges(0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0");
  }

  @Test
  void pendingChanges_negativeLimit_rejected() {
    assertThatThrownBy(() -> store.pendingChanges(0, -5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-5");
  }

  @Test
  void markDelivered_hidesEntries() {
    List<PullRequestChange> changes = IntStream.rangeClosed(1, 3).mapToObj(n -> titleEdit(REPO, n, T0)).toList();
    store.apply(batch(REPO, List.of(), changes));
    List<OutboxEntry> pending = store.pendingChanges(0, 10);

    store.markDelivered(List.of(pending.get(0).sequence(), pending.get(2).sequence()), T0);

    assertThat(store.pendingChanges(0, 10)).extracting(OutboxEntry::change).containsExactly(changes.get(1));
  }

  @Test
  void markDelivered_unknownSequences_ignored() {
    store.apply(batch(REPO, List.of(), List.of(titleEdit(REPO, 1, T0))));
    long known = store.pendingChanges(0, 1).get(0).sequence();

    store.markDelivered(List.of(known + 1_000, known + 2_000), T0);

    assertThat(store.pendingChanges(0, 10)).extracting(OutboxEntry::sequence).containsExactly(known);
  }

  @Test
  void markDelivered_noSequences_changesNothing() {
    store.apply(batch(REPO, List.of(), List.of(titleEdit(REPO, 1, T0))));

    store.markDelivered(List.of(), T0);

    assertThat(store.pendingChanges(0, 10)).hasSize(1);
  }

  @Test
  void markDelivered_alreadyDelivered_keepsFirstDeliveryTime() {
    store.apply(batch(REPO, List.of(), List.of(titleEdit(REPO, 1, T0))));
    List<Long> sequences = sequences(store.pendingChanges(0, 10));
    store.markDelivered(sequences, T0);

    store.markDelivered(sequences, T0.plusSeconds(3_600));

    // still counted as delivered at T0: a purge of everything delivered before T0 + 1 s removes it
    assertThat(store.purgeDelivered(T0.plusSeconds(1))).isEqualTo(1);
  }

  @Test
  void recordFailedDelivery_incrementsAttempts() {
    store.apply(batch(REPO, List.of(), List.of(titleEdit(REPO, 1, T0), titleEdit(REPO, 2, T0))));
    List<OutboxEntry> pending = store.pendingChanges(0, 10);
    long first = pending.get(0).sequence();

    store.recordFailedDelivery(List.of(first));
    store.recordFailedDelivery(List.of(first));

    assertThat(store.pendingChanges(0, 10)).extracting(OutboxEntry::attempts).containsExactly(2, 0);
  }

  @Test
  void recordFailedDelivery_keepsEntryPendingInPlace() {
    store.apply(batch(REPO, List.of(), List.of(titleEdit(REPO, 1, T0), titleEdit(REPO, 2, T0))));
    List<OutboxEntry> before = store.pendingChanges(0, 10);

    store.recordFailedDelivery(sequences(before));

    assertThat(store.pendingChanges(0, 10)).extracting(OutboxEntry::sequence).containsExactlyElementsOf(sequences(before));
  }

  @Test
  void purgeDelivered_deletesOnlyEntriesDeliveredBefore_andReturnsCount() {
    store.apply(batch(REPO, List.of(), IntStream.rangeClosed(1, 4).mapToObj(n -> titleEdit(REPO, n, T0)).toList()));
    List<OutboxEntry> pending = store.pendingChanges(0, 10);
    store.markDelivered(List.of(pending.get(0).sequence(), pending.get(1).sequence()), T0);
    store.markDelivered(List.of(pending.get(2).sequence()), T0.plusSeconds(100));

    assertThat(store.purgeDelivered(T0.plusSeconds(50))).isEqualTo(2);
    assertThat(store.purgeDelivered(T0.plusSeconds(50))).isZero();
    assertThat(store.purgeDelivered(T0.plusSeconds(101))).isEqualTo(1);
    assertThat(store.pendingChanges(0, 10)).extracting(OutboxEntry::sequence).containsExactly(pending.get(3).sequence());
  }

  @Test
  void purgeDelivered_forgetsPurgedKeys_sameChangeAppendedAgain() {
    PullRequestChange edit = titleEdit(REPO, 1, T0);
    store.apply(batch(REPO, List.of(), List.of(edit)));
    long first = store.pendingChanges(0, 10).get(0).sequence();
    store.markDelivered(List.of(first), T0);
    assertThat(store.purgeDelivered(T0.plusSeconds(1))).isEqualTo(1);

    store.apply(batch(REPO, List.of(), List.of(edit)));

    List<OutboxEntry> pending = store.pendingChanges(0, 10);
    assertThat(pending).extracting(OutboxEntry::change).containsExactly(edit);
    assertThat(pending.get(0).sequence()).isGreaterThan(first);
    assertThat(pending.get(0).attempts()).isZero();
  }

  @Test
  void purgeDelivered_forgetsOnlyPurgedKeys() {
    PullRequestChange old = titleEdit(REPO, 1, T0);
    PullRequestChange recent = titleEdit(REPO, 2, T0);
    store.apply(batch(REPO, List.of(), List.of(old, recent)));
    List<OutboxEntry> delivered = store.pendingChanges(0, 10);
    store.markDelivered(List.of(delivered.get(0).sequence()), T0);
    store.markDelivered(List.of(delivered.get(1).sequence()), T0.plusSeconds(100));
    store.purgeDelivered(T0.plusSeconds(50));

    store.apply(batch(REPO, List.of(), List.of(old, recent)));

    assertThat(store.pendingChanges(0, 10)).extracting(OutboxEntry::change).containsExactly(old);
  }

  @Test
  void purgeDelivered_boundaryIsExclusive() {
    store.apply(batch(REPO, List.of(), List.of(titleEdit(REPO, 1, T0))));
    store.markDelivered(sequences(store.pendingChanges(0, 10)), T0);

    assertThat(store.purgeDelivered(T0)).isZero();
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

  /** Whether the store answers {@link PullRequestStore#hasPullRequests} itself instead of by the SPI's default. */
  private boolean overridesHasPullRequests() {
    return overrides("hasPullRequests", RepositoryId.class);
  }

  /** Whether the store implements this SPI method itself instead of keeping the SPI's default. */
  private boolean overrides(String method, Class<?>... parameters) {
    try {
      return store.getClass().getMethod(method, parameters).getDeclaringClass() != PullRequestStore.class;
    } catch (NoSuchMethodException e) {
      throw new AssertionError("PullRequestStore." + method + " is missing", e);
    }
  }

  // ---- every value GitHub can send (issue 13)

  /** Text no store may refuse or change: every character JSON can carry, including those it only escapes. */
  private static final String HOSTILE = "nul\u0000 ctl\u0001\u001f\u007f lone\ud800 low\udc00 end\ud83d"
      + " escape\ufdd0\ufdd0 nonchar\uffff\ufffe bom\ufeff zwj\ud83d\udc69\u200d\ud83d\udcbb rtl\u202e"
      + "\u05e9 plane2\ud840\udc00 plane16\udbff\udffd lf\n crlf\r\n";

  @Test
  void apply_hostileText_readsBackAsSent() {
    PullRequest hostile = builder(1).title(HOSTILE + "t".repeat(5_000)).body(HOSTILE + "\u65e5".repeat(65_536))
        .author(HOSTILE).headSha(HOSTILE).headRef(HOSTILE + "r".repeat(1_000)).baseRef(HOSTILE)
        .labels("", "line\nfeed", HOSTILE, "\ufdd0EMPTY").assignees(HOSTILE, "a\nb")
        .requestedReviewers("").build();
    PullRequestChange edit = change(REPO, 1, ChangeKind.EDITED, "body", HOSTILE, HOSTILE + "!", T0);

    store.apply(batch(REPO, List.of(hostile), List.of(edit)));

    assertThat(store.allPullRequests(REPO)).containsExactly(hostile);
    assertThat(store.pullRequests(REPO, List.of(1))).containsEntry(1, hostile);
    assertThat(store.pendingChanges(0, 10)).singleElement().satisfies(entry -> {
      assertThat(entry.change().before()).isEqualTo(HOSTILE);
      assertThat(entry.change().after()).isEqualTo(HOSTILE + "!");
    });
  }

  @Test
  void apply_emptyStringsAndNulls_readBackAsSent() {
    PullRequest empty = builder(1).title("").body("").author(null).headRef("").baseRef("").headSha("")
        .labels("").build();
    PullRequest nulls = builder(2).title("x").body(null).author(null).build();

    store.apply(batch(REPO, List.of(empty, nulls), List.of()));

    assertThat(store.allPullRequests(REPO)).containsExactly(empty, nulls);
  }

  @Test
  void completePass_longEntityTag_isKept() {
    ListingCursor cursor = new ListingCursor(T0, "W/\"" + "e".repeat(4_000) + "\"");
    store.completePass(REPO, cursor, T0);

    assertThat(store.repositoryState(REPO).cursor()).isEqualTo(cursor);
  }

  @Test
  void apply_sameNumberTwiceInOneBatch_laterOneWins() {
    store.apply(batch(REPO, List.of(builder(1).title("first").build(), pullRequest(2),
        builder(1).title("second").build()), List.of()));

    assertThat(store.allPullRequests(REPO)).containsExactly(builder(1).title("second").build(), pullRequest(2));
  }

  @Test
  void repository_otherSpelling_isTheSameRepository() {
    RepositoryId upper = new RepositoryId("FIXTURE", "Alpha");
    store.apply(batch(upper, List.of(pullRequest(1)), List.of()));
    store.completePass(upper, new ListingCursor(T0, "W/\"1\""), T0);
    store.apply(batch(REPO, List.of(pullRequest(2)), List.of()));

    assertThat(store.allPullRequests(REPO)).containsExactly(pullRequest(1), pullRequest(2));
    assertThat(store.hasPullRequests(REPO)).isTrue();
    assertThat(store.pullRequests(REPO, List.of(1, 2))).containsOnlyKeys(1, 2);
    assertThat(store.repositoryState(REPO).cursor()).isEqualTo(new ListingCursor(T0, "W/\"1\""));
  }

  // ---- quarantine

  @Test
  void quarantine_isListedUntilCleared() {
    var first = new io.prmonitor.spi.QuarantinedPullRequest(7, T0, "store refused it: " + HOSTILE, T0, 1);
    var other = new io.prmonitor.spi.QuarantinedPullRequest(3, null, "unreadable list item", T0, 2);
    store.quarantine(REPO, List.of(first, other));
    var again = new io.prmonitor.spi.QuarantinedPullRequest(7, T0.plusSeconds(5), "refused again", T0, 2);
    store.quarantine(new RepositoryId("Fixture", "ALPHA"), List.of(again));
    if (!overrides("quarantined", RepositoryId.class)) {
      // the SPI's default keeps no record, and says so: the processor still never loses the pull request
      assertThat(store.quarantined(REPO)).isEmpty();
      return;
    }

    assertThat(store.quarantined(REPO)).containsExactly(other, again);
    assertThat(store.quarantined(OTHER)).isEmpty();

    store.clearQuarantine(REPO, List.of(3, 99));

    assertThat(store.quarantined(REPO)).containsExactly(again);
  }

  // ---- enrichment (reviews, CI, mergeability, comments)

  private static PullRequestEnrichment enrichment(int number, long revision, ChecksState checks) {
    return new PullRequestEnrichment(number, revision, "a".repeat(40), ReviewDecision.CHANGES_REQUESTED,
        Map.of("zoe", ReviewState.APPROVED, "al-b", ReviewState.CHANGES_REQUESTED, "dev", ReviewState.DISMISSED),
        checks, Mergeability.CONFLICTING, 7, "pull=W/\"a\" reviews=W/\"b\"");
  }

  @Test
  void enrichments_roundTripEveryField() {
    PullRequestEnrichment stored = enrichment(1, 3, ChecksState.FAILURE);
    store.apply(new SyncBatch(REPO, List.of(pullRequest(1)), List.of(), List.of(stored)));

    PullRequestEnrichment read = store.enrichments(REPO, List.of(1)).get(1);
    assertThat(read).isEqualTo(stored);
    assertThat(read.latestReviews().keySet()).containsExactly("al-b", "dev", "zoe");
  }

  @Test
  void enrichments_nullDecisionNoReviewsUnknownMergeability_roundTrip() {
    PullRequestEnrichment stored = new PullRequestEnrichment(2, 1, "b".repeat(40), null, Map.of(),
        ChecksState.NONE, Mergeability.UNKNOWN, 0);
    store.apply(new SyncBatch(REPO, List.of(pullRequest(2)), List.of(), List.of(stored)));

    assertThat(store.enrichments(REPO, List.of(2))).containsExactly(Map.entry(2, stored));
  }

  @Test
  void enrichments_sameNumber_replacedByLaterBatch() {
    store.apply(new SyncBatch(REPO, List.of(pullRequest(1)), List.of(), List.of(enrichment(1, 1, ChecksState.PENDING))));
    store.apply(new SyncBatch(REPO, List.of(), List.of(), List.of(enrichment(1, 2, ChecksState.SUCCESS))));

    assertThat(store.enrichments(REPO, List.of(1)).get(1)).isEqualTo(enrichment(1, 2, ChecksState.SUCCESS));
    assertThat(store.allPullRequests(REPO)).containsExactly(pullRequest(1));
  }

  @Test
  void enrichments_onlyStoredNumbersOfThatRepository() {
    store.apply(new SyncBatch(REPO, List.of(pullRequest(1)), List.of(), List.of(enrichment(1, 1, ChecksState.ERROR))));
    store.apply(new SyncBatch(OTHER, List.of(pullRequest(3)), List.of(), List.of(enrichment(3, 1, ChecksState.ERROR))));

    assertThat(store.enrichments(REPO, List.of(1, 2, 3)).keySet()).containsExactly(1);
    assertThat(store.enrichments(REPO, List.of())).isEmpty();
    assertThat(store.enrichments(repository("nothing"), List.of(1))).isEmpty();
  }

  @Test
  void enrichments_writtenWithTheChangesOfTheirBatch() {
    PullRequestChange checks = PullRequestChange.of(REPO, 1, ChangeKind.CHECKS_CHANGED, "checks", "PENDING",
        "FAILURE", T0, 2);
    store.apply(new SyncBatch(REPO, List.of(pullRequest(1)), List.of(checks),
        List.of(enrichment(1, 2, ChecksState.FAILURE))));
    // the same batch again, as after a crash before the caller learned it committed
    store.apply(new SyncBatch(REPO, List.of(pullRequest(1)), List.of(checks),
        List.of(enrichment(1, 2, ChecksState.FAILURE))));

    assertThat(store.pendingChanges(0, 10)).extracting(OutboxEntry::change).containsExactly(checks);
    assertThat(store.enrichments(REPO, List.of(1)).get(1).checks()).isEqualTo(ChecksState.FAILURE);
  }

  @Test
  void enrichmentOnlyBatch_isNotEmpty() {
    SyncBatch batch = new SyncBatch(REPO, List.of(), List.of(), List.of(enrichment(1, 1, ChecksState.NONE)));

    assertThat(batch.isEmpty()).isFalse();
  }

  @Test
  void openPullRequests_onlyOpenOnesOrderedByNumber() {
    store.apply(batch(REPO, List.of(pullRequest(5), builder(2).state(PullRequestState.CLOSED)
        .closedAt(T0).build(), pullRequest(3), builder(4).state(PullRequestState.MERGED).closedAt(T0)
        .mergedAt(T0).build()), List.of()));
    store.apply(batch(OTHER, List.of(pullRequest(1)), List.of()));

    assertThat(store.openPullRequests(REPO)).extracting(PullRequest::number).containsExactly(3, 5);
    assertThat(store.openPullRequests(repository("nothing"))).isEmpty();
  }

  private static List<Long> sequences(List<OutboxEntry> entries) {
    return entries.stream().map(OutboxEntry::sequence).toList();
  }
}
