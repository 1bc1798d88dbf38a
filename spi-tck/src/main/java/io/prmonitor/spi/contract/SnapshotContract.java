package io.prmonitor.spi.contract;

import static io.prmonitor.spi.contract.PullRequestFixtures.batch;
import static io.prmonitor.spi.contract.PullRequestFixtures.builder;
import static io.prmonitor.spi.contract.PullRequestFixtures.pullRequest;
import static io.prmonitor.spi.contract.PullRequestFixtures.repository;
import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.spi.PullRequest;
import io.prmonitor.spi.PullRequestState;
import io.prmonitor.spi.PullRequestStore;
import io.prmonitor.spi.RepositoryId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract of pull request snapshots ({@link PullRequestStoreContract}): written by batches, never
 * replaced by an older one, read by number, all or open, every field round-tripping exactly.
 */
interface SnapshotContract extends StoreContractArea {

  @Test
  default void apply_insertsPullRequests() {
    PullRequest one = pullRequest(1);
    PullRequest two = pullRequest(2);
    store().apply(batch(REPO, List.of(one, two), List.of()));

    assertThat(store().allPullRequests(REPO)).containsExactly(one, two);
  }

  @Test
  default void apply_sameNumber_replacesStoredSnapshot() {
    store().apply(batch(REPO, List.of(pullRequest(7, T0)), List.of()));
    PullRequest replacement = builder(7).title("new title").state(PullRequestState.CLOSED)
        .updatedAt(T0.plusSeconds(60)).closedAt(T0.plusSeconds(60)).labels("bug").build();
    assertStoredAsSent(replacement);
  }

  @Test
  default void apply_olderSnapshot_doesNotReplaceANewerOne() {
    PullRequest newer = builder(7).title("newer").updatedAt(T0.plusSeconds(60)).build();
    store().apply(batch(REPO, List.of(newer), List.of()));

    store().apply(batch(REPO, List.of(builder(7).title("older").updatedAt(T0).build(), pullRequest(8)), List.of()));

    assertThat(store().allPullRequests(REPO)).containsExactly(newer, pullRequest(8));
  }

  @Test
  default void apply_storedTimeFarInTheFuture_doesNotBlockALaterSnapshot() {
    PullRequest glitched = builder(7).title("from a clock glitch").updatedAt(Instant.parse("9999-12-31T00:00:00Z"))
        .build();
    store().apply(batch(REPO, List.of(glitched), List.of()));
    PullRequest merged = builder(7).title("merged since").updatedAt(T0).build();

    assertStoredAsSent(merged);
  }

  @Test
  default void apply_emptyBatch_changesNothing() {
    store().apply(batch(REPO, List.of(), List.of()));

    assertThat(store().allPullRequests(REPO)).isEmpty();
    assertThat(store().pendingChanges(0, 10)).isEmpty();
  }

  @Test
  default void pullRequests_returnsOnlyStoredNumbers() {
    store().apply(batch(REPO, List.of(pullRequest(1), pullRequest(3)), List.of()));

    Map<Integer, PullRequest> found = store().pullRequests(REPO, List.of(1, 2, 3, 4));

    assertThat(found).containsOnlyKeys(1, 3);
    assertThat(found.get(3)).isEqualTo(pullRequest(3));
  }

  @Test
  default void pullRequests_noNumbers_returnsEmptyMap() {
    store().apply(batch(REPO, List.of(pullRequest(1)), List.of()));

    assertThat(store().pullRequests(REPO, List.of())).isEmpty();
  }

  @Test
  default void pullRequests_otherRepository_notReturned() {
    store().apply(batch(OTHER, List.of(pullRequest(1)), List.of()));

    assertThat(store().pullRequests(REPO, List.of(1))).isEmpty();
  }

  @Test
  default void hasPullRequests_emptyStore_isFalseUnlessTheDefaultIsKept() {
    // the SPI's default answers true, which is correct; a store that overrides it promises an exact answer
    assertThat(store().hasPullRequests(REPO)).isEqualTo(!overridesHasPullRequests());
  }

  @Test
  default void hasPullRequests_afterApply_isTrue() {
    store().apply(batch(REPO, List.of(pullRequest(7)), List.of()));

    assertThat(store().hasPullRequests(REPO)).isTrue();
  }

  @Test
  default void hasPullRequests_afterApplyToAnotherRepository_isFalseUnlessTheDefaultIsKept() {
    store().apply(batch(REPO, List.of(pullRequest(7)), List.of()));

    assertThat(store().hasPullRequests(OTHER)).isEqualTo(!overridesHasPullRequests());
  }

  @Test
  default void allPullRequests_orderedByNumber() {
    store().apply(batch(REPO, List.of(pullRequest(30), pullRequest(2), pullRequest(100)), List.of()));
    store().apply(batch(REPO, List.of(pullRequest(11)), List.of()));

    assertThat(store().allPullRequests(REPO)).extracting(PullRequest::number).containsExactly(2, 11, 30, 100);
  }

  @Test
  default void allPullRequests_unknownRepository_isEmpty() {
    assertThat(store().allPullRequests(REPO)).isEmpty();
  }

  @Test
  default void roundTrip_everyFieldSet() {
    PullRequest merged = builder(42).id(9_876_543_210L).title("Add feature").body("Body text\nline two")
        .state(PullRequestState.MERGED).draft(false).author("alice").headSha("0123456789abcdef0123456789abcdef01234567")
        .headRef("feature/x").baseRef("release/1.x").labels("bug", "enhancement")
        .assignees("alice", "bob").requestedReviewers("carol", "team:core")
        .createdAt(Instant.parse("2024-01-02T03:04:05Z")).updatedAt(Instant.parse("2024-02-03T04:05:06Z"))
        .closedAt(Instant.parse("2024-02-03T04:05:06Z")).mergedAt(Instant.parse("2024-02-03T04:05:06Z"))
        .build();
    store().apply(batch(REPO, List.of(merged), List.of()));

    assertThat(store().pullRequests(REPO, List.of(42))).containsEntry(42, merged);
  }

  @Test
  default void roundTrip_nullableFieldsNullAndEmptyLists() {
    PullRequest sparse = builder(5).body(null).author(null).closedAt(null).mergedAt(null).draft(true)
        .labels().assignees().requestedReviewers().build();
    store().apply(batch(REPO, List.of(sparse), List.of()));

    PullRequest stored = store().allPullRequests(REPO).get(0);
    assertThat(stored).isEqualTo(sparse);
    assertThat(stored.body()).isNull();
    assertThat(stored.author()).isNull();
    assertThat(stored.labels()).isEmpty();
  }

  @Test
  default void roundTrip_emptyBodyStaysEmptyNotNull() {
    PullRequest emptyBody = builder(6).body("").build();
    store().apply(batch(REPO, List.of(emptyBody), List.of()));

    assertThat(store().allPullRequests(REPO).get(0).body()).isEqualTo("");
  }

  @Test
  default void roundTrip_unicodeText() {
    PullRequest unicode = builder(8).title("Ünïcødé ✓ 日本語 🚀 \"quoted\" 'single' \\ back")
        .body("emoji 👩‍💻 and RTL שלום\r\nand tabs\t!").author("ä-user").labels("🐛 bug", "área")
        .headRef("feat/ñ").build();
    assertStoredAsSent(unicode);
  }

  @Test
  default void roundTrip_64KilobyteBody() {
    StringBuilder body = new StringBuilder(65_536);
    while (body.length() < 65_536) {
      body.append("0123456789abcdé\n");
    }
    PullRequest large = builder(9).body(body.substring(0, 65_536)).build();
    store().apply(batch(REPO, List.of(large), List.of()));

    assertThat(store().allPullRequests(REPO).get(0).body()).hasSize(65_536).isEqualTo(large.body());
  }

  @Test
  default void roundTrip_sortedListsIncludingTeams() {
    PullRequest listed = builder(10).labels("z-last", "a-first", "M-middle")
        .assignees("zed", "amy").requestedReviewers("team:x", "bob", "team:a", "alice").build();
    store().apply(batch(REPO, List.of(listed), List.of()));

    PullRequest stored = store().allPullRequests(REPO).get(0);
    assertThat(stored.labels()).containsExactly("M-middle", "a-first", "z-last");
    assertThat(stored.assignees()).containsExactly("amy", "zed");
    assertThat(stored.requestedReviewers()).containsExactly("alice", "bob", "team:a", "team:x");
  }

  @Test
  default void roundTrip_singleElementLists() {
    PullRequest single = builder(12).labels("only").assignees("one").requestedReviewers("team:x").build();
    assertStoredAsSent(single);
  }

  @Test
  default void roundTrip_instantsAtSecondPrecision() {
    PullRequest closed = builder(13).state(PullRequestState.CLOSED)
        .createdAt(Instant.parse("2020-02-29T23:59:59Z")).updatedAt(Instant.parse("2024-12-31T23:59:59Z"))
        .closedAt(Instant.parse("2024-12-31T23:59:58Z")).build();
    assertStoredAsSent(closed);
  }

  @Test
  default void roundTrip_instantsAtMillisecondPrecision() {
    PullRequest precise = builder(14).state(PullRequestState.MERGED)
        .createdAt(Instant.parse("2024-01-01T00:00:00.001Z")).updatedAt(Instant.parse("2024-01-01T00:00:01.999Z"))
        .closedAt(Instant.parse("2024-01-01T00:00:01.500Z")).mergedAt(Instant.parse("2024-01-01T00:00:01.500Z"))
        .build();
    assertStoredAsSent(precise);
  }

  @Test
  default void openPullRequests_onlyOpenOnesOrderedByNumber() {
    store().apply(batch(REPO, List.of(pullRequest(5), builder(2).state(PullRequestState.CLOSED)
        .closedAt(T0).build(), pullRequest(3), builder(4).state(PullRequestState.MERGED).closedAt(T0)
        .mergedAt(T0).build()), List.of()));
    store().apply(batch(OTHER, List.of(pullRequest(1)), List.of()));

    assertThat(store().openPullRequests(REPO)).extracting(PullRequest::number).containsExactly(3, 5);
    assertThat(store().openPullRequests(repository("nothing"))).isEmpty();
  }

  /** Applies a batch of this snapshot alone, then checks that the repository holds exactly it, as sent. */
  private void assertStoredAsSent(PullRequest sent) {
    store().apply(batch(REPO, List.of(sent), List.of()));

    assertThat(store().allPullRequests(REPO)).containsExactly(sent);
  }

  /** Whether the store answers {@link PullRequestStore#hasPullRequests} itself instead of by the SPI's default. */
  private boolean overridesHasPullRequests() {
    return overrides("hasPullRequests", RepositoryId.class);
  }
}
