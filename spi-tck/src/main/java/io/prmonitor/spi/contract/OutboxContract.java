package io.prmonitor.spi.contract;

import static io.prmonitor.spi.contract.PullRequestFixtures.batch;
import static io.prmonitor.spi.contract.PullRequestFixtures.change;
import static io.prmonitor.spi.contract.PullRequestFixtures.pullRequest;
import static io.prmonitor.spi.contract.PullRequestFixtures.titleEdit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.OutboxEntry;
import io.prmonitor.spi.PullRequestChange;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The contract of the outbox ({@link PullRequestStoreContract}): changes appended once per key, read in
 * sequence order, marked delivered or failed, purged with their keys.
 */
interface OutboxContract extends StoreContractArea {

  @Test
  default void apply_appendsChangesToOutbox() {
    PullRequestChange opened = change(REPO, 1, ChangeKind.OPENED, "state", null, "OPEN", T0);
    store().apply(batch(REPO, List.of(pullRequest(1, T0)), List.of(opened)));

    List<OutboxEntry> pending = store().pendingChanges(0, 10);
    assertThat(pending).extracting(OutboxEntry::change).containsExactly(opened);
    assertThat(pending.get(0).attempts()).isZero();
  }

  @Test
  default void outbox_changeFieldsRoundTripExactly() {
    PullRequestChange labels = change(REPO, 3, ChangeKind.LABELS_CHANGED, "labels", "a\nb", "b\nc\nteam:x",
        Instant.parse("2024-05-01T10:00:00.123Z"));
    PullRequestChange body = change(REPO, 3, ChangeKind.EDITED, "body", null, "ünïcødé 🚀",
        Instant.parse("2024-05-01T10:00:00.123Z"));
    PullRequestChange cleared = change(REPO, 3, ChangeKind.ASSIGNEES_CHANGED, "assignees", "amy", "",
        Instant.parse("2024-05-01T10:00:00.123Z"));
    store().apply(batch(REPO, List.of(), List.of(labels, body, cleared)));

    assertThat(store().pendingChanges(0, 10)).extracting(OutboxEntry::change).containsExactly(labels, body, cleared);
  }

  @Test
  default void apply_changeKeyAlreadyInOutbox_notAppendedTwice() {
    PullRequestChange edit = titleEdit(REPO, 1, T0);
    store().apply(batch(REPO, List.of(pullRequest(1, T0)), List.of(edit)));
    store().apply(batch(REPO, List.of(pullRequest(1, T0)), List.of(edit)));

    assertThat(store().pendingChanges(0, 10)).extracting(OutboxEntry::change).containsExactly(edit);
  }

  @Test
  default void apply_changeKeyAlreadyDelivered_notAppendedAgain() {
    PullRequestChange edit = titleEdit(REPO, 1, T0);
    store().apply(batch(REPO, List.of(), List.of(edit)));
    store().markDelivered(sequences(store().pendingChanges(0, 10)), T0);

    store().apply(batch(REPO, List.of(), List.of(edit)));

    assertThat(store().pendingChanges(0, 10)).isEmpty();
  }

  @Test
  default void apply_reappliedBatch_appendsOnlyNewKeys() {
    PullRequestChange first = titleEdit(REPO, 1, T0);
    PullRequestChange second = titleEdit(REPO, 2, T0);
    store().apply(batch(REPO, List.of(), List.of(first)));
    store().apply(batch(REPO, List.of(), List.of(first, second)));

    assertThat(store().pendingChanges(0, 10)).extracting(OutboxEntry::change).containsExactly(first, second);
  }

  @Test
  default void pendingChanges_inSequenceOrder() {
    List<PullRequestChange> changes = IntStream.rangeClosed(1, 5)
        .mapToObj(n -> titleEdit(REPO, n, T0.plusSeconds(n))).toList();
    store().apply(batch(REPO, List.of(), changes.subList(0, 3)));
    store().apply(batch(OTHER, List.of(), List.of(titleEdit(OTHER, 1, T0))));
    store().apply(batch(REPO, List.of(), changes.subList(3, 5)));

    List<OutboxEntry> pending = store().pendingChanges(0, 100);
    assertThat(pending).extracting(OutboxEntry::sequence).isSorted().doesNotHaveDuplicates();
    assertThat(pending).extracting(e -> e.change().key()).containsExactly(
        changes.get(0).key(), changes.get(1).key(), changes.get(2).key(),
        titleEdit(OTHER, 1, T0).key(), changes.get(3).key(), changes.get(4).key());
  }

  @Test
  default void pendingChanges_limit_returnsOldestFirst() {
    List<PullRequestChange> changes = IntStream.rangeClosed(1, 5)
        .mapToObj(n -> titleEdit(REPO, n, T0)).toList();
    store().apply(batch(REPO, List.of(), changes));

    assertThat(store().pendingChanges(0, 2)).extracting(OutboxEntry::change).containsExactly(changes.get(0), changes.get(1));
  }

  @Test
  default void pendingChanges_perPullRequestOrderPreservedAcrossBatches() {
    PullRequestChange pushed = change(REPO, 4, ChangeKind.COMMITS_PUSHED, "head_sha", "a", "b", T0);
    PullRequestChange closed = change(REPO, 4, ChangeKind.CLOSED, "state", "OPEN", "CLOSED", T0.plusSeconds(10));
    PullRequestChange reopened = change(REPO, 4, ChangeKind.REOPENED, "state", "CLOSED", "OPEN", T0.plusSeconds(20));
    PullRequestChange merged = change(REPO, 4, ChangeKind.MERGED, "state", "OPEN", "MERGED", T0.plusSeconds(20));
    store().apply(batch(REPO, List.of(), List.of(pushed)));
    store().apply(batch(REPO, List.of(), List.of(titleEdit(REPO, 5, T0), closed)));
    store().apply(batch(REPO, List.of(), List.of(reopened, merged)));

    assertThat(store().pendingChanges(0, 100)).extracting(OutboxEntry::change).filteredOn(c -> c.number() == 4)
        .containsExactly(pushed, closed, reopened, merged);
  }

  @Test
  default void pendingChanges_afterSequence_returnsOnlyLaterEntries() {
    List<PullRequestChange> changes = IntStream.rangeClosed(1, 5).mapToObj(n -> titleEdit(REPO, n, T0)).toList();
    store().apply(batch(REPO, List.of(), changes));
    List<OutboxEntry> firstPage = store().pendingChanges(0, 2);

    List<OutboxEntry> secondPage = store().pendingChanges(firstPage.get(1).sequence(), 2);

    assertThat(secondPage).extracting(OutboxEntry::change).containsExactly(changes.get(2), changes.get(3));
  }

  @Test
  default void pendingChanges_afterLastSequence_isEmpty() {
    store().apply(batch(REPO, List.of(), List.of(titleEdit(REPO, 1, T0), titleEdit(REPO, 2, T0))));
    List<OutboxEntry> all = store().pendingChanges(0, 10);

    assertThat(store().pendingChanges(all.get(1).sequence(), 10)).isEmpty();
  }

  @Test
  default void pendingChanges_pagingSkipsDeliveredEntries() {
    List<PullRequestChange> changes = IntStream.rangeClosed(1, 4).mapToObj(n -> titleEdit(REPO, n, T0)).toList();
    store().apply(batch(REPO, List.of(), changes));
    List<OutboxEntry> all = store().pendingChanges(0, 10);
    store().markDelivered(List.of(all.get(2).sequence()), T0);

    assertThat(store().pendingChanges(all.get(0).sequence(), 10)).extracting(OutboxEntry::change)
        .containsExactly(changes.get(1), changes.get(3));
  }

  @Test
  default void pendingChanges_sequencesArePositive() {
    store().apply(batch(REPO, List.of(), List.of(titleEdit(REPO, 1, T0))));

    assertThat(store().pendingChanges(0, 10)).extracting(OutboxEntry::sequence).allMatch(sequence -> sequence > 0);
  }

  @Test
  default void pendingChanges_zeroLimit_rejected() {
    assertThatThrownBy(() -> store().pendingChanges(0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0");
  }

  @Test
  default void pendingChanges_negativeLimit_rejected() {
    assertThatThrownBy(() -> store().pendingChanges(0, -5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-5");
  }

  @Test
  default void markDelivered_hidesEntries() {
    List<PullRequestChange> changes = IntStream.rangeClosed(1, 3).mapToObj(n -> titleEdit(REPO, n, T0)).toList();
    store().apply(batch(REPO, List.of(), changes));
    List<OutboxEntry> pending = store().pendingChanges(0, 10);

    store().markDelivered(List.of(pending.get(0).sequence(), pending.get(2).sequence()), T0);

    assertThat(store().pendingChanges(0, 10)).extracting(OutboxEntry::change).containsExactly(changes.get(1));
  }

  @Test
  default void markDelivered_unknownSequences_ignored() {
    store().apply(batch(REPO, List.of(), List.of(titleEdit(REPO, 1, T0))));
    long known = store().pendingChanges(0, 1).get(0).sequence();

    store().markDelivered(List.of(known + 1_000, known + 2_000), T0);

    assertThat(store().pendingChanges(0, 10)).extracting(OutboxEntry::sequence).containsExactly(known);
  }

  @Test
  default void markDelivered_noSequences_changesNothing() {
    store().apply(batch(REPO, List.of(), List.of(titleEdit(REPO, 1, T0))));

    store().markDelivered(List.of(), T0);

    assertThat(store().pendingChanges(0, 10)).hasSize(1);
  }

  @Test
  default void markDelivered_alreadyDelivered_keepsFirstDeliveryTime() {
    store().apply(batch(REPO, List.of(), List.of(titleEdit(REPO, 1, T0))));
    List<Long> sequences = sequences(store().pendingChanges(0, 10));
    store().markDelivered(sequences, T0);

    store().markDelivered(sequences, T0.plusSeconds(3_600));

    // still counted as delivered at T0: a purge of everything delivered before T0 + 1 s removes it
    assertThat(store().purgeDelivered(T0.plusSeconds(1))).isEqualTo(1);
  }

  @Test
  default void recordFailedDelivery_incrementsAttempts() {
    store().apply(batch(REPO, List.of(), List.of(titleEdit(REPO, 1, T0), titleEdit(REPO, 2, T0))));
    List<OutboxEntry> pending = store().pendingChanges(0, 10);
    long first = pending.get(0).sequence();

    store().recordFailedDelivery(List.of(first));
    store().recordFailedDelivery(List.of(first));

    assertThat(store().pendingChanges(0, 10)).extracting(OutboxEntry::attempts).containsExactly(2, 0);
  }

  @Test
  default void recordFailedDelivery_keepsEntryPendingInPlace() {
    store().apply(batch(REPO, List.of(), List.of(titleEdit(REPO, 1, T0), titleEdit(REPO, 2, T0))));
    List<OutboxEntry> before = store().pendingChanges(0, 10);

    store().recordFailedDelivery(sequences(before));

    assertThat(store().pendingChanges(0, 10)).extracting(OutboxEntry::sequence).containsExactlyElementsOf(sequences(before));
  }

  @Test
  default void purgeDelivered_deletesOnlyEntriesDeliveredBefore_andReturnsCount() {
    store().apply(batch(REPO, List.of(), IntStream.rangeClosed(1, 4).mapToObj(n -> titleEdit(REPO, n, T0)).toList()));
    List<OutboxEntry> pending = store().pendingChanges(0, 10);
    store().markDelivered(List.of(pending.get(0).sequence(), pending.get(1).sequence()), T0);
    store().markDelivered(List.of(pending.get(2).sequence()), T0.plusSeconds(100));

    assertThat(store().purgeDelivered(T0.plusSeconds(50))).isEqualTo(2);
    assertThat(store().purgeDelivered(T0.plusSeconds(50))).isZero();
    assertThat(store().purgeDelivered(T0.plusSeconds(101))).isEqualTo(1);
    assertThat(store().pendingChanges(0, 10)).extracting(OutboxEntry::sequence).containsExactly(pending.get(3).sequence());
  }

  @Test
  default void purgeDelivered_forgetsPurgedKeys_sameChangeAppendedAgain() {
    PullRequestChange edit = titleEdit(REPO, 1, T0);
    store().apply(batch(REPO, List.of(), List.of(edit)));
    long first = store().pendingChanges(0, 10).get(0).sequence();
    store().markDelivered(List.of(first), T0);
    assertThat(store().purgeDelivered(T0.plusSeconds(1))).isEqualTo(1);

    store().apply(batch(REPO, List.of(), List.of(edit)));

    List<OutboxEntry> pending = store().pendingChanges(0, 10);
    assertThat(pending).extracting(OutboxEntry::change).containsExactly(edit);
    assertThat(pending.get(0).sequence()).isGreaterThan(first);
    assertThat(pending.get(0).attempts()).isZero();
  }

  @Test
  default void purgeDelivered_forgetsOnlyPurgedKeys() {
    PullRequestChange old = titleEdit(REPO, 1, T0);
    PullRequestChange recent = titleEdit(REPO, 2, T0);
    store().apply(batch(REPO, List.of(), List.of(old, recent)));
    List<OutboxEntry> delivered = store().pendingChanges(0, 10);
    store().markDelivered(List.of(delivered.get(0).sequence()), T0);
    store().markDelivered(List.of(delivered.get(1).sequence()), T0.plusSeconds(100));
    store().purgeDelivered(T0.plusSeconds(50));

    store().apply(batch(REPO, List.of(), List.of(old, recent)));

    assertThat(store().pendingChanges(0, 10)).extracting(OutboxEntry::change).containsExactly(old);
  }

  @Test
  default void purgeDelivered_boundaryIsExclusive() {
    store().apply(batch(REPO, List.of(), List.of(titleEdit(REPO, 1, T0))));
    store().markDelivered(sequences(store().pendingChanges(0, 10)), T0);

    assertThat(store().purgeDelivered(T0)).isZero();
  }

  private static List<Long> sequences(List<OutboxEntry> entries) {
    return entries.stream().map(OutboxEntry::sequence).toList();
  }
}
