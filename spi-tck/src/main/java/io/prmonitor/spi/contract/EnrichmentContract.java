package io.prmonitor.spi.contract;

import static io.prmonitor.spi.contract.PullRequestFixtures.pullRequest;
import static io.prmonitor.spi.contract.PullRequestFixtures.repository;
import static org.assertj.core.api.Assertions.assertThat;

import io.prmonitor.spi.ChangeKind;
import io.prmonitor.spi.ChecksState;
import io.prmonitor.spi.Mergeability;
import io.prmonitor.spi.OutboxEntry;
import io.prmonitor.spi.PullRequestChange;
import io.prmonitor.spi.PullRequestEnrichment;
import io.prmonitor.spi.ReviewDecision;
import io.prmonitor.spi.ReviewState;
import io.prmonitor.spi.SyncBatch;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The contract of enrichments (reviews, CI, mergeability, comments; {@link PullRequestStoreContract}). */
interface EnrichmentContract extends StoreContractArea {

  private static PullRequestEnrichment enrichment(int number, long revision, ChecksState checks) {
    return new PullRequestEnrichment(number, revision, "a".repeat(40), ReviewDecision.CHANGES_REQUESTED,
        Map.of("zoe", ReviewState.APPROVED, "al-b", ReviewState.CHANGES_REQUESTED, "dev", ReviewState.DISMISSED),
        checks, Mergeability.CONFLICTING, 7, "pull=W/\"a\" reviews=W/\"b\"");
  }

  @Test
  default void enrichments_roundTripEveryField() {
    PullRequestEnrichment stored = enrichment(1, 3, ChecksState.FAILURE);
    store().apply(new SyncBatch(REPO, List.of(pullRequest(1)), List.of(), List.of(stored)));

    PullRequestEnrichment read = store().enrichments(REPO, List.of(1)).get(1);
    assertThat(read).isEqualTo(stored);
    assertThat(read.latestReviews().keySet()).containsExactly("al-b", "dev", "zoe");
  }

  @Test
  default void enrichments_nullDecisionNoReviewsUnknownMergeability_roundTrip() {
    PullRequestEnrichment stored = new PullRequestEnrichment(2, 1, "b".repeat(40), null, Map.of(),
        ChecksState.NONE, Mergeability.UNKNOWN, 0);
    store().apply(new SyncBatch(REPO, List.of(pullRequest(2)), List.of(), List.of(stored)));

    assertThat(store().enrichments(REPO, List.of(2))).containsExactly(Map.entry(2, stored));
  }

  @Test
  default void enrichments_sameNumber_replacedByLaterBatch() {
    store().apply(new SyncBatch(REPO, List.of(pullRequest(1)), List.of(), List.of(enrichment(1, 1, ChecksState.PENDING))));
    store().apply(new SyncBatch(REPO, List.of(), List.of(), List.of(enrichment(1, 2, ChecksState.SUCCESS))));

    assertThat(store().enrichments(REPO, List.of(1)).get(1)).isEqualTo(enrichment(1, 2, ChecksState.SUCCESS));
    assertThat(store().allPullRequests(REPO)).containsExactly(pullRequest(1));
  }

  @Test
  default void enrichments_onlyStoredNumbersOfThatRepository() {
    store().apply(new SyncBatch(REPO, List.of(pullRequest(1)), List.of(), List.of(enrichment(1, 1, ChecksState.ERROR))));
    store().apply(new SyncBatch(OTHER, List.of(pullRequest(3)), List.of(), List.of(enrichment(3, 1, ChecksState.ERROR))));

    assertThat(store().enrichments(REPO, List.of(1, 2, 3)).keySet()).containsExactly(1);
    assertThat(store().enrichments(REPO, List.of())).isEmpty();
    assertThat(store().enrichments(repository("nothing"), List.of(1))).isEmpty();
  }

  @Test
  default void enrichments_writtenWithTheChangesOfTheirBatch() {
    PullRequestChange checks = PullRequestChange.of(REPO, 1, ChangeKind.CHECKS_CHANGED, "checks", "PENDING",
        "FAILURE", T0, 2);
    store().apply(new SyncBatch(REPO, List.of(pullRequest(1)), List.of(checks),
        List.of(enrichment(1, 2, ChecksState.FAILURE))));
    // the same batch again, as after a crash before the caller learned it committed
    store().apply(new SyncBatch(REPO, List.of(pullRequest(1)), List.of(checks),
        List.of(enrichment(1, 2, ChecksState.FAILURE))));

    assertThat(store().pendingChanges(0, 10)).extracting(OutboxEntry::change).containsExactly(checks);
    assertThat(store().enrichments(REPO, List.of(1)).get(1).checks()).isEqualTo(ChecksState.FAILURE);
  }

  @Test
  default void enrichmentOnlyBatch_isNotEmpty() {
    SyncBatch batch = new SyncBatch(REPO, List.of(), List.of(), List.of(enrichment(1, 1, ChecksState.NONE)));

    assertThat(batch.isEmpty()).isFalse();
  }
}
